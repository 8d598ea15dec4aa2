using Pipeline.Scheduler.Hosting;

await SchedulerApplication.Build(args).RunAsync();
