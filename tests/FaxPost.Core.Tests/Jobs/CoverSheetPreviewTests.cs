using FaxPost.Core.AddressBook;
using FaxPost.Core.Accounts;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Jobs;

public sealed class CoverSheetPreviewTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_preview_sheet_has_the_first_recipients_names_and_the_sending_mailbox_as_a_job_would()
    {
        await using var office = await PostOffice.StartAsync();
        var admin = await office.UserAsync("admin", roles: Role.Administrator);
        var alice = await office.UserAsync("alice", "11");
        long box = await office.MailboxOfAsync(alice);
        await office.Get<AccountService>().UpdateMailboxAsync(admin, box, null, null, "+49 89 1234 11", null, null, None);
        var ann = await office.Get<AddressBookService>().SaveContactAsync(alice, new Contact { Name = "Ann Archer", Company = "Archer GmbH", FaxNumber = "+49 30 1111111" }, central: false, None);
        var jobs = office.Get<JobService>();

        var sheet = await jobs.PreviewCoverSheetAsync(alice, null, [new RecipientSpec(ContactId: ann.Id), new RecipientSpec(Number: "+49 30 2222222")], "Figures", "Read me", None);
        Assert.Equal(
            CoverSheet.Of("Ann Archer", "Archer GmbH", "+49 30 1111111", await office.Store.Mailboxes.GetAsync(box, None), "Figures", "Read me", 0, office.Time.GetUtcNow()),
            sheet);
        Assert.Equal(("alice", "+49 89 1234 11", 1), (sheet.FromName, sheet.FromFaxId, sheet.Pages));

        // No recipient typed yet: an empty "to", the rest as it will be.
        var blank = await jobs.PreviewCoverSheetAsync(alice, box, [], null, null, None);
        Assert.Equal(("", (string?)null, "alice"), (blank.ToNumber, blank.ToName, blank.FromName));

        // The same refusals as a submission: a bad number, another's mailbox, too long a subject.
        await Assert.ThrowsAsync<ValidationException>(() => jobs.PreviewCoverSheetAsync(alice, null, [new RecipientSpec(Number: "nonsense")], null, null, None));
        var bob = await office.UserAsync("bob", "12");
        await Assert.ThrowsAsync<AccessDeniedException>(() => jobs.PreviewCoverSheetAsync(bob, box, [], null, null, None));
        await Assert.ThrowsAsync<ValidationException>(() => jobs.PreviewCoverSheetAsync(alice, null, [], new string('x', 201), null, None));
    }
}
