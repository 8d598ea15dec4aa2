"""Training, export and evaluation for Pipeline model packs (PyTorch; never imported at serving time)."""
