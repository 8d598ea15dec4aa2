using Pipeline.Api.Hosting;

await ApiApplication.Build(args).RunAsync();
