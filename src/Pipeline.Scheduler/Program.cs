using Pipeline.Scheduler;
using Pipeline.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPipelineScheduler();

var app = builder.Build();
app.MapPipelineScheduler();
app.Run();
