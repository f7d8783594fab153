Console.WriteLine("faxpost: not yet");
