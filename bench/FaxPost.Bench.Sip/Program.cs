using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(FaxPost.Bench.Sip.SipParserBenchmarks).Assembly).Run(args);
