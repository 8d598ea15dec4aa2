"""A small NumPy interpreter for the ONNX graphs this project exports (there is no onnxruntime for Python here).

It exists so that the Python side can run a graph it has rewritten (quantize.py) and measure the result before
anything reaches ONNX Runtime: the int8 denoiser's logits on the golden inputs size the parity tolerance that
`pipeline pack verify` then checks in C#; and so that tune_schedule.py can sample from a pack's own graphs (the
denoiser at fp32 and int8, and the VQ decoder). It covers exactly the operators torch.onnx (1.13, opset 17) emits
for the denoiser and the VQ decoder (Conv through torch, nearest Resize by an integer factor, GroupNorm as
InstanceNormalization), plus the com.microsoft quantized MatMuls quantize.py writes; anything else raises, so a new
operator cannot be silently mis-evaluated. Float32 throughout, like the runtime, except for float16 graphs (fp16.py):
tensors that are float16 stay float16 between operators (NumPy rounds each elementwise result to float16), and a
MatMul of two float16 tensors accumulates in float32 and rounds once, as cuBLAS does on tensor cores.

The quantized operators follow ONNX Runtime's CPU kernels (contrib_ops/cpu/quantization/
dynamic_quantize_matmul.cc, mlas quantize.cpp):

- DynamicQuantizeMatMul(A, B, b_scale, b_zero_point, bias): A is quantized per tensor to uint8 with
  scale = (max(A, 0) - min(A, 0)) / 255 (1 when the range is empty), zero point = round-half-even(clamp(-min /
  scale, 0, 255)), q = clamp(round-half-even(A / scale) + zp, 0, 255); then
  Y = (sum_k (qA - zpA) (qB - zpB)) * (scale_A * b_scale[col]) + bias[col], with an exact int32 accumulator.
- MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias), A already uint8: with a scalar
  a_scale as above; with a per-row a_scale ([..., M, 1], broadcast over the output) the GEMM runs with a_scale = 1
  and the output is then multiplied by a_scale, bias included (so quantize.py never passes a bias then).
- QuantizeLinear: y = saturate(round-half-even(x / scale) + zero point), per tensor or per axis.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

MS_DOMAIN = "com.microsoft"


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x).astype(x.dtype if x.dtype == np.float16 else np.float32)


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def quantize_activation_per_tensor(a: np.ndarray) -> tuple[np.ndarray, np.float32, int]:
    """ONNX Runtime's dynamic uint8 quantization of a whole tensor: (q, scale, zero point)."""
    a = a.astype(np.float32, copy=False)
    lo = np.float32(min(float(a.min()), 0.0)) if a.size else np.float32(0)
    hi = np.float32(max(float(a.max()), 0.0)) if a.size else np.float32(0)
    scale = np.float32(1.0) if hi == lo else np.float32((hi - lo) / np.float32(255))
    zp = int(np.rint(np.clip(np.float32(0) - lo / scale, 0, 255)))
    q = np.clip(np.rint(a / scale) + zp, 0, 255).astype(np.uint8)
    return q, scale, zp


def _int_matmul(qa: np.ndarray, za: int, qb: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """Exact sum_k (qa - za)(qb - zb) as float64 (every partial sum is an integer well inside 2^53)."""
    a = qa.astype(np.float64) - za
    b = qb.astype(np.float64) - zb.astype(np.float64)
    return a @ b


def dynamic_quantize_matmul(a, b, b_scale, b_zero_point=None, bias=None) -> np.ndarray:
    qa, sa, za = quantize_activation_per_tensor(a)
    zb = np.zeros(b.shape[-1], np.int64) if b_zero_point is None else np.broadcast_to(b_zero_point.astype(np.int64), b.shape[-1:])
    acc = _int_matmul(qa, za, b, zb)
    multiplier = (np.float32(sa) * b_scale.astype(np.float32)).astype(np.float32)
    y = (acc.astype(np.float32) * multiplier).astype(np.float32)
    return y if bias is None else (y + bias.astype(np.float32)).astype(np.float32)


def matmul_integer_to_float(a, b, a_scale, b_scale, a_zero_point=None, b_zero_point=None, bias=None) -> np.ndarray:
    za = 0 if a_zero_point is None else int(np.asarray(a_zero_point).reshape(-1)[0])
    if a_zero_point is not None and np.asarray(a_zero_point).size != 1:
        raise NotImplementedError("MatMulIntegerToFloat: per-row A zero points")
    zb = np.zeros(b.shape[-1], np.int64) if b_zero_point is None else np.broadcast_to(b_zero_point.astype(np.int64), b.shape[-1:])
    acc = _int_matmul(a, za, b, zb).astype(np.float32)
    a_scale = np.asarray(a_scale, np.float32)
    per_row = a_scale.size != 1
    multiplier = (np.float32(1 if per_row else a_scale.reshape(-1)[0]) * b_scale.astype(np.float32)).astype(np.float32)
    y = (acc * multiplier).astype(np.float32)
    if bias is not None:
        y = (y + bias.astype(np.float32)).astype(np.float32)
    return (y * a_scale).astype(np.float32) if per_row else y


def _quantize_linear(x, y_scale, y_zero_point=None, axis=1, **_):
    zp = np.zeros((), np.uint8) if y_zero_point is None else y_zero_point
    info = np.iinfo(zp.dtype)
    scale = np.asarray(y_scale, np.float32)
    if scale.ndim == 1 and scale.size != 1:
        shape = [1] * x.ndim
        shape[axis % x.ndim] = scale.size
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    q = np.rint((x / scale).astype(np.float32)) + zp.astype(np.float32)
    return np.clip(q, info.min, info.max).astype(zp.dtype)


def _slice(data, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else [int(a) for a in axes]
    steps = [1] * len(starts) if steps is None else [int(s) for s in steps]
    index = [slice(None)] * data.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), st)
    return data[tuple(index)]


def _layer_norm(x, scale, bias, axis=-1, epsilon=1e-5, **_):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float32)
    var = np.square(x - mean).mean(axis=axes, keepdims=True, dtype=np.float32)
    y = (x - mean) / np.sqrt(var + np.float32(epsilon))
    return (y * scale + (0 if bias is None else bias)).astype(np.float32)


def _softmax(x, axis=-1, **_):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


_ONNX_TO_NUMPY = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.FLOAT16: np.float16, onnx.TensorProto.INT64: np.int64, onnx.TensorProto.INT32: np.int32,
                  onnx.TensorProto.UINT8: np.uint8, onnx.TensorProto.INT8: np.int8, onnx.TensorProto.BOOL: np.bool_}


def _reshape(x, shape, allowzero=0, **_):
    shape = [int(d) for d in shape]
    if not allowzero:
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(shape)


def _unsqueeze(x, axes):
    out = x
    for a in sorted(int(a) % (x.ndim + len(axes)) for a in axes):
        out = np.expand_dims(out, a)
    return out


def _tensor(a: np.ndarray):
    import torch

    a = np.ascontiguousarray(a)
    return torch.from_numpy(a if a.flags.writeable else a.copy())


def _matmul(a, b):
    """np.matmul, but float32 products of stacked matrices through torch: NumPy loops over the stack outside BLAS
    (about 50x slower on the denoiser's [batch, N, d] x [d, d] products). Same float32 arithmetic."""
    if a.dtype == np.float32 and b.dtype == np.float32 and max(a.ndim, b.ndim) > 2:
        import torch

        return torch.matmul(_tensor(a), _tensor(b)).numpy()
    if a.dtype == np.float16 and b.dtype == np.float16:
        # float16 operands, float32 accumulation, one rounding to float16 (cuBLAS on tensor cores): the product of two
        # float16 numbers is exact in float32, so only the sum's order differs from a GPU's.
        return _matmul(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)
    return np.matmul(a, b)


def _conv(x, w, b=None, dilations=(1, 1), group=1, kernel_shape=None, pads=(0, 0, 0, 0), strides=(1, 1), **_):
    import torch  # a 2-D convolution in NumPy would be slow; torch's is the same arithmetic in float32

    if len(pads) != 4 or pads[0] != pads[2] or pads[1] != pads[3]:
        raise NotImplementedError(f"Conv: asymmetric pads {list(pads)}")
    y = torch.nn.functional.conv2d(_tensor(x), _tensor(w), None if b is None else _tensor(b), stride=tuple(strides),
                                   padding=(pads[0], pads[1]), dilation=tuple(dilations), groups=group)
    return y.numpy()


def _instance_norm(x, scale, bias, epsilon=1e-5, **_):
    axes = tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float32)
    var = np.square(x - mean).mean(axis=axes, keepdims=True, dtype=np.float32)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - mean) / np.sqrt(var + np.float32(epsilon))
    return (y * scale.reshape(shape) + bias.reshape(shape)).astype(np.float32)


def _resize(x, roi=None, scales=None, sizes=None, mode=b"nearest", coordinate_transformation_mode=b"half_pixel",
            nearest_mode=b"round_prefer_floor", **_):
    """Nearest, asymmetric, floor, by whole factors: what torch.nn.Upsample(scale_factor=k) exports."""
    if mode != b"nearest" or coordinate_transformation_mode != b"asymmetric" or nearest_mode != b"floor" \
            or scales is None or sizes is not None:
        raise NotImplementedError(f"Resize: only nearest/asymmetric/floor by scales (got {mode}, "
                                  f"{coordinate_transformation_mode}, {nearest_mode})")
    out = x
    for axis, k in enumerate(np.asarray(scales, np.float32)):
        if k != 1:
            if k != int(k) or k < 1:
                raise NotImplementedError(f"Resize: scale {k} is not a whole factor")
            out = np.repeat(out, int(k), axis=axis)
    return out


OPS = {
    ("", "Add"): lambda a, b: np.add(a, b),
    ("", "Sub"): lambda a, b: np.subtract(a, b),
    ("", "Mul"): lambda a, b: np.multiply(a, b),
    ("", "Div"): lambda a, b: np.divide(a, b) if a.dtype.kind == "f" else np.floor_divide(a, b),
    ("", "MatMul"): lambda a, b: _matmul(a, b),
    ("", "Erf"): lambda x: _erf(x),
    ("", "Sqrt"): lambda x: np.sqrt(x),
    ("", "Pow"): lambda x, y: np.power(x, y).astype(x.dtype),
    ("", "Tanh"): lambda x: np.tanh(x),
    ("", "Shape"): lambda x, **_: np.array(x.shape, np.int64),
    ("", "Gather"): lambda data, idx, axis=0: np.take(data, idx, axis=axis),
    ("", "Unsqueeze"): lambda x, axes: _unsqueeze(x, axes),
    ("", "Concat"): lambda *xs, axis: np.concatenate(xs, axis=axis),
    ("", "Reshape"): _reshape,
    ("", "Transpose"): lambda x, perm=None: np.transpose(x, perm),
    ("", "Slice"): _slice,
    ("", "Cast"): lambda x, to: x.astype(_ONNX_TO_NUMPY[to]),
    ("", "Softmax"): _softmax,
    ("", "LayerNormalization"): _layer_norm,
    ("", "Identity"): lambda x: x,
    ("", "Abs"): lambda x: np.abs(x),
    ("", "Max"): lambda *xs: np.maximum.reduce(np.broadcast_arrays(*xs)).astype(xs[0].dtype),
    ("", "ReduceMax"): lambda x, axes=None, keepdims=1: np.max(x, axis=None if axes is None else tuple(axes), keepdims=bool(keepdims)),
    ("", "ConstantOfShape"): lambda shape, value=None: np.full(tuple(int(d) for d in shape), 0 if value is None else numpy_helper.to_array(value).reshape(-1)[0],
                                                            dtype=np.float32 if value is None else numpy_helper.to_array(value).dtype),
    ("", "QuantizeLinear"): _quantize_linear,
    ("", "Conv"): _conv,
    ("", "InstanceNormalization"): _instance_norm,
    ("", "Resize"): _resize,
    ("", "Sigmoid"): lambda x: (1.0 / (1.0 + np.exp(-x))).astype(np.float32),
    (MS_DOMAIN, "MatMulIntegerToFloat"): matmul_integer_to_float,
    (MS_DOMAIN, "DynamicQuantizeMatMul"): dynamic_quantize_matmul,
}


def supported(model: onnx.ModelProto) -> set[str]:
    """Operators of `model` this interpreter cannot run (empty when it can run all of them)."""
    return {f"{n.domain or 'ai.onnx'}.{n.op_type}" for n in model.graph.node
            if n.op_type != "Constant" and (n.domain if n.domain != "ai.onnx" else "", n.op_type) not in OPS}


def run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluates `model` on `feeds` (graph input name -> array); returns every graph output by name."""
    return Graph(model).run(feeds)


class Graph:
    """A model checked and with its initializers converted once, for many runs (a sampler's every step)."""

    def __init__(self, model: onnx.ModelProto):
        missing = supported(model)
        if missing:
            raise NotImplementedError(f"onnx_numpy cannot run {sorted(missing)}")
        self.model = model
        self.initializers = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return _evaluate(self.model, dict(self.initializers), feeds)


def _evaluate(model: onnx.ModelProto, values: dict[str, np.ndarray], feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    values.update(feeds)
    for node in model.graph.node:
        attrs = _attrs(node)
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(attrs["value"])
            continue
        args = [values[i] if i else None for i in node.input]
        while args and args[-1] is None:
            args.pop()
        out = OPS[(node.domain if node.domain != "ai.onnx" else "", node.op_type)](*args, **attrs)
        values[node.output[0]] = np.asarray(out)
    return {o.name: values[o.name] for o in model.graph.output}
