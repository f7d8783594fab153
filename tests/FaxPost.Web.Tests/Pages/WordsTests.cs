using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Scheduling;
using FaxPost.Web.Ui;

namespace FaxPost.Web.Tests.Pages;

/// <summary>What the outbox and inbox say about a fax, in words.</summary>
public sealed class WordsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static FaxJob Job(JobState state) => new() { Destination = "+49301234567", DialNumber = "+49301234567", State = state, PageCount = 5 };

    [Fact]
    public void Job_states_read_as_sentences_with_time_and_reason()
    {
        var retry = Job(JobState.WaitingToRetry);
        retry.NextAttemptAt = Now.AddMinutes(3);
        retry.LastError = "the line was busy";
        Assert.Equal("retrying at 2026-03-01 12:03 UTC (the line was busy)", JobWords.Describe(retry, Now));

        var failed = Job(JobState.Failed);
        failed.LastError = "the number does not exist (404)";
        Assert.Equal("failed: the number does not exist (404)", JobWords.Describe(failed, Now));

        var later = Job(JobState.Queued);
        later.NotBefore = Now.AddHours(6);
        Assert.Equal("scheduled for 2026-03-01 18:00 UTC", JobWords.Describe(later, Now));
        later.NotBefore = Now.AddHours(-1);
        Assert.Equal("queued for a line", JobWords.Describe(later, Now));

        var done = Job(JobState.Done);
        done.PagesSent = 5;
        Assert.Equal("done: 5 of 5 page(s) sent", JobWords.Describe(done, Now));
        done.InternalMailboxId = 3;
        Assert.Equal("delivered to the mailbox", JobWords.Describe(done, Now));
        Assert.Equal("converting the documents", JobWords.Describe(Job(JobState.Converting), Now));
    }

    [Fact]
    public void Live_call_progress_reads_as_dialling_and_page_n_of_m()
    {
        Assert.Equal("dialling", JobWords.Describe(new JobUpdate(1, JobState.InProgress, "", new CallProgress(CallPhase.Dialling, 0, 0, null), Now)));
        Assert.Equal("connected to +49 30 555", JobWords.Describe(new JobUpdate(1, JobState.InProgress, "", new CallProgress(CallPhase.Connected, 0, 0, "+49 30 555"), Now)));
        Assert.Equal("sending page 2 of 5", JobWords.Describe(new JobUpdate(1, JobState.InProgress, "", new CallProgress(CallPhase.SendingPage, 2, 5, null), Now)));
        Assert.Equal("page 2 of 5 confirmed", JobWords.Describe(new JobUpdate(1, JobState.InProgress, "", new CallProgress(CallPhase.PageConfirmed, 2, 5, null), Now)));
        Assert.Equal("queued for a line", JobWords.Describe(new JobUpdate(1, JobState.Queued, "converted", null, Now)));
    }

    [Fact]
    public void Unroutable_reasons_and_senders_are_named()
    {
        var fax = new InboundFax { Document = "x", DialledNumber = "+49891234999", Reason = UnroutableReason.UnknownExtension, SenderId = "ACME", CallerNumber = "+4930555" };
        Assert.Equal("wrong extension: nobody has the dialled number +49891234999", FaxWords.Reason(fax));
        Assert.Equal("ACME (+4930555)", FaxWords.Sender(fax));
        fax.Reason = UnroutableReason.RecipientLeft;
        Assert.StartsWith("the recipient has left", FaxWords.Reason(fax), StringComparison.Ordinal);
        Assert.Equal("unknown sender", FaxWords.Sender(new InboundFax { Document = "x" }));
    }
}
