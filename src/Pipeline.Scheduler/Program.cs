using Pipeline.Scheduler;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineScheduler();

var app = builder.Build();
app.MapPipelineScheduler();
app.Run();
