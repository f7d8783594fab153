using FaxPost.Bench.T38;

// bench/t38.sh: "cpu [pages] [rounds]", "concurrent [N,N,...] [pages]", or nothing for both.
var mode = args.Length > 0 ? args[0] : "all";
if (mode is "cpu" or "all")
{
    await CpuPerPage.RunAsync(args.Length > 1 && mode == "cpu" ? int.Parse(args[1]) : 20, args.Length > 2 && mode == "cpu" ? int.Parse(args[2]) : 3);
}

if (mode is "concurrent" or "all")
{
    var counts = args.Length > 1 && mode == "concurrent" ? args[1].Split(',').Select(int.Parse).ToArray() : [50, 100, 200];
    await ConcurrentCalls.RunAsync(counts, args.Length > 2 && mode == "concurrent" ? int.Parse(args[2]) : 2);
}

if (mode is not ("cpu" or "concurrent" or "all"))
{
    Console.Error.WriteLine("usage: t38.sh [cpu [pages] [rounds] | concurrent [N,N,...] [pages]]");
    return 2;
}

return 0;
