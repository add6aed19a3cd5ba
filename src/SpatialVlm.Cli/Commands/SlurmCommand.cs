using System.CommandLine;
using SpatialVlm.Cli.Slurm;

namespace SpatialVlm.Cli.Commands;

public static class SlurmCommand
{
    public static Command Create(ProgramInvocation? self)
    {
        var plan = new Argument<string>("plan") { Description = "the plan file (OUT/plan.json, from `spatialvlm plan`); the scripts go to OUT/slurm/" };
        var partition = new Option<string>("--partition") { Description = "Slurm partition the jobs run in", Required = true };
        var gpus = new Option<int>("--gpus-per-task") { Description = "GPUs per array task; above 0 adds #SBATCH --gpus-per-task and runs the workers with --device cuda (default 0: CPU)", DefaultValueFactory = _ => 0 };
        var cpus = new Option<int>("--cpus-per-task") { Description = "CPUs per array task, and run-shards workers inside it", DefaultValueFactory = _ => 1 };
        var maxParallel = new Option<int?>("--max-parallel") { Description = "at most K array tasks at once (the %K of --array; default: all)" };
        var arraySize = new Option<int?>("--array-size") { Description = "array tasks A; task I runs the shards whose index % A == I (default: one task per shard)" };
        var time = new Option<string?>("--time") { Description = "time limit per task, in Slurm's form (e.g. 90, 4:00:00, 1-12)" };
        var requeueLimit = new Option<int>("--requeue-limit") { Description = "a task whose worker dies of a signal requeues itself up to this many times", DefaultValueFactory = _ => 3 };
        var submit = new Option<bool>("--submit") { Description = "also run OUT/slurm/submit.sh (sbatch) and print the job ids" };
        var cmd = new Command("slurm", "Writes OUT/slurm/array.sbatch (an sbatch --array over the plan's shards, requeued on pre-emption), OUT/slurm/merge.sbatch (`merge OUT` after the array ended ok) and OUT/slurm/submit.sh.")
        { plan, partition, gpus, cpus, maxParallel, arraySize, time, requeueLimit, submit };
        cmd.SetAction(parse =>
        {
            var options = new SlurmJobOptions
            {
                Partition = parse.GetValue(partition) ?? "",
                GpusPerTask = parse.GetValue(gpus),
                CpusPerTask = parse.GetValue(cpus),
                MaxParallel = parse.GetValue(maxParallel),
                ArraySize = parse.GetValue(arraySize),
                Time = parse.GetValue(time),
                RequeueLimit = parse.GetValue(requeueLimit),
            };
            var files = SlurmArrayJob.Write(parse.GetValue(plan)!, options, self ?? ProgramInvocation.Current());
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"slurm: {files.Tasks} array tasks, at most {files.MaxParallel} at once -> {files.ArrayScript}, {files.MergeScript}, {files.SubmitScript} (logs in {files.Logs})");
            if (parse.GetValue(submit))
            {
                var ids = SlurmSubmit.Run(files, TimeSpan.FromMinutes(2));
                output.WriteLine($"slurm: submitted array job {ids.ArrayJob} and merge job {ids.MergeJob} (afterok:{ids.ArrayJob})");
            }
            return 0;
        });
        return cmd;
    }
}
