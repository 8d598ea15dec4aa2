using Pipeline.Worker.Hosting;

await WorkerApplication.Build(args).RunAsync();
