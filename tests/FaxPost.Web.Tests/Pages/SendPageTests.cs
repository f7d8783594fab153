using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The send page: uploads are type-checked and size-limited, previews are private, sending needs the right.</summary>
public sealed partial class SendPageTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private TestPostOffice Office => shared.Office;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static MultipartFormDataContent Form(string fileName, byte[] content, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "files", fileName);
        return form;
    }

    private async Task<int> JobsOfAsync(TestUser user) =>
        (await Office.Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [user.MailboxId], Limit: 1000), CancellationToken.None)).Count;

    [Fact]
    public async Task A_text_file_is_sent_with_cover_page_and_subject_and_the_outbox_shows_it()
    {
        var user = await Office.UserAsync(Unique("send"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        using var form = Form("letter.txt", Encoding.UTF8.GetBytes("Dear reader,\nthis is a fax.\n"),
            ("to", "+49 30 1234567"), ("cover", "true"), ("subject", "Hello"), ("resolution", "standard"), ("mailbox", user.MailboxId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await session.PostMultipartAsync("/send", form);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {session.LastHtml}");
        Assert.Equal("/outbox", response.Headers.Location!.OriginalString);

        var job = Assert.Single(await Office.Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [user.MailboxId]), CancellationToken.None));
        Assert.True(job.CoverPage);
        Assert.Equal("Hello", job.Subject);
        Assert.Equal(Imaging.Conversion.FaxResolution.Standard, job.Resolution);
        string outbox = await session.GetHtmlAsync("/outbox");
        Assert.Contains("is on its way", outbox, StringComparison.Ordinal);
        Assert.Contains($"data-job=\"{job.Id}\"", outbox, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_cannot_be_faxed_is_refused_in_words_and_nothing_is_queued()
    {
        var user = await Office.UserAsync(Unique("type"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0xFF, 0xFE, 0x00, 0x00];
        using var form = Form("archive.zip", zip, ("to", "+49 30 1234567"));
        using var response = await session.PostMultipartAsync("/send", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("archive.zip", session.LastHtml, StringComparison.Ordinal);
        Assert.Equal(0, await JobsOfAsync(user));

        // The preview refuses it the same way, before anything is converted.
        await session.GetHtmlAsync("/send");
        using var again = Form("archive.zip", zip);
        using var preview = await session.PostMultipartAsync("/send?handler=Preview", again);
        Assert.Equal(HttpStatusCode.BadRequest, preview.StatusCode);
        Assert.Contains("cannot be faxed", session.LastHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_over_the_limit_are_refused_and_nothing_is_queued()
    {
        var user = await Office.UserAsync(Unique("size"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        byte[] big = Encoding.ASCII.GetBytes(new string('x', (int)TestPostOffice.MaxUpload + 1000));
        using var form = Form("big.txt", big, ("to", "+49 30 1234567"));
        using var response = await session.PostMultipartAsync("/send", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than", session.LastHtml, StringComparison.Ordinal);
        Assert.Equal(0, await JobsOfAsync(user));
    }

    [Theory]
    [InlineData("/send")]
    [InlineData("/send?handler=Preview")]
    public async Task A_request_over_the_upload_limit_gets_the_send_page_naming_the_limit(string path)
    {
        var user = await Office.UserAsync(Unique("huge"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        // Past the request limit itself (the limit, a third more for framing, and 1 MiB): the form is never read.
        byte[] huge = new byte[(int)((TestPostOffice.MaxUpload / 3 * 4) + (1024 * 1024) + 4096)];
        using var form = Form("huge.pdf", huge, ("to", "+49 30 1234567"), ("subject", "kept?"));
        using var response = await session.PostMultipartAsync(path, form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        string page = await session.GetHtmlAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("larger than 64 KiB together", page, StringComparison.Ordinal);
        Assert.Contains("id=\"send-error\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"to\"", page, StringComparison.Ordinal); // the send form again, not an error page
        Assert.Equal(0, await JobsOfAsync(user));
        Assert.DoesNotContain("larger than", await session.GetHtmlAsync("/send"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_past_the_limit_without_a_length_is_refused_in_words_too_and_a_forged_small_post_still_needs_the_token()
    {
        var user = await Office.UserAsync(Unique("chunked"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        byte[] huge = new byte[(int)((TestPostOffice.MaxUpload / 3 * 4) + (1024 * 1024) + 4096)];
        using var form = Form("huge.pdf", huge, ("to", "+49 30 1234567"));
        using var chunked = new WithoutLength(form);
        Assert.Null(chunked.Headers.ContentLength);
        using var response = await session.PostAsync("/send", chunked);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("refused=too-large", response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var forged = await session.PostFormWithoutTokenAsync("/send", ("to", "+49 30 1234567"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await JobsOfAsync(user));
    }

    /// <summary>A body of unknown length (sent chunked), as a client streaming a form would send it.</summary>
    private sealed class WithoutLength : HttpContent
    {
        private readonly HttpContent _inner;

        public WithoutLength(HttpContent inner)
        {
            _inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Sending_from_a_mailbox_without_the_send_right_is_refused()
    {
        var owner = await Office.UserAsync(Unique("mb-owner"));
        var reader = await Office.UserAsync(Unique("mb-reader"));
        await Office.GrantAsync(owner.MailboxId, reader, MailboxRights.ReadIncoming);
        using var session = await WebSession.LogInAsync(Office, reader);
        string page = await session.GetHtmlAsync("/send");
        Assert.DoesNotContain($"value=\"{owner.MailboxId}\"", page, StringComparison.Ordinal); // not offered
        using var form = Form("letter.txt", "hello"u8.ToArray(), ("to", "+49 30 1234567"), ("mailbox", owner.MailboxId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await session.PostMultipartAsync("/send", form);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await JobsOfAsync(owner));
    }

    [Fact]
    public async Task The_preview_shows_the_converted_pages_to_its_owner_only_and_sends_from_the_draft()
    {
        var user = await Office.UserAsync(Unique("preview"));
        var other = await Office.UserAsync(Unique("peeker"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/send");
        using var form = Form("note.txt", "A note to preview."u8.ToArray(), ("to", "+49 30 7654321"), ("subject", "kept"));
        using (var preview = await session.PostMultipartAsync("/send?handler=Preview", form))
        {
            Assert.True(preview.StatusCode == HttpStatusCode.OK, session.LastHtml);
        }

        string html = session.LastHtml;
        string draft = DraftImage().Match(html).Groups[1].Value;
        Assert.NotEmpty(draft);
        Assert.Contains("note.txt", html, StringComparison.Ordinal);
        Assert.Contains("value=\"kept\"", html, StringComparison.Ordinal); // the form keeps what was typed
        using (var image = await session.GetAsync($"/send/draft/{draft}/page/1.png?w=240"))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        }

        // Another user cannot see the draft, nor send it.
        using var peeker = await WebSession.LogInAsync(Office, other);
        using (var peek = await peeker.GetAsync($"/send/draft/{draft}/page/1.png?w=240"))
        {
            Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        }

        await peeker.GetHtmlAsync("/send");
        using (var steal = await peeker.PostFormAsync("/send", ("draft", draft), ("to", "+49 30 7654321")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, steal.StatusCode);
            Assert.Contains("at least one document", peeker.LastHtml, StringComparison.Ordinal);
        }

        Assert.Equal(0, await JobsOfAsync(other));

        // The owner sends it without uploading again.
        using (var send = await session.PostFormAsync("/send", ("draft", draft), ("to", "+49 30 7654321"), ("subject", "kept")))
        {
            Assert.True(send.StatusCode == HttpStatusCode.Redirect, session.LastHtml);
        }

        var job = Assert.Single(await Office.Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [user.MailboxId]), CancellationToken.None));
        Assert.Equal("kept", job.Subject);
        using var after = await session.GetAsync($"/send/draft/{draft}/page/1.png?w=240");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode); // the draft is gone once sent
    }

    [Fact]
    public async Task Recipients_come_from_the_address_book_and_distribution_lists_of_the_user_only()
    {
        var user = await Office.UserAsync(Unique("book"));
        var other = await Office.UserAsync(Unique("book-other"));
        var book = Office.Services.GetRequiredServiceOf<Core.AddressBook.AddressBookService>();
        var me = await Office.PrincipalAsync(user.Id);
        var ann = await book.SaveContactAsync(me, new Core.AddressBook.Contact { Name = "Ann Archer", Company = "Archer GmbH", FaxNumber = "+49 30 1111111" }, central: false, CancellationToken.None);
        var ben = await book.SaveContactAsync(me, new Core.AddressBook.Contact { Name = "Ben Baker", FaxNumber = "+49 30 2222222" }, central: false, CancellationToken.None);
        var list = await book.SaveListAsync(me, new Core.AddressBook.DistributionList { Name = "Bakers", ContactIds = [ben.Id] }, central: false, CancellationToken.None);
        var secret = await book.SaveContactAsync(await Office.PrincipalAsync(other.Id), new Core.AddressBook.Contact { Name = "Someone Else's Contact", FaxNumber = "+49 30 3333333" }, central: false, CancellationToken.None);

        using var session = await WebSession.LogInAsync(Office, user);
        string page = await session.GetHtmlAsync("/send");
        Assert.Contains("Ann Archer, Archer GmbH", page, StringComparison.Ordinal);
        Assert.Contains("Bakers", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Else", page, StringComparison.Ordinal);

        string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var form = Form("letter.txt", "To the book"u8.ToArray(), ("contact", Id(ann.Id)), ("list", Id(list.Id)));
        using (var response = await session.PostMultipartAsync("/send", form))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, session.LastHtml);
        }

        var jobs = await Office.Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [user.MailboxId]), CancellationToken.None);
        Assert.Equal(["Ann Archer", "Ben Baker"], jobs.Select(j => j.RecipientName ?? "").OrderBy(n => n, StringComparer.Ordinal).ToArray());

        // Someone else's contact id is refused, not sent to.
        await session.GetHtmlAsync("/send");
        using var stolen = Form("letter.txt", "To a stranger"u8.ToArray(), ("contact", Id(secret.Id)));
        using (var refused = await session.PostMultipartAsync("/send", stolen))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(2, await JobsOfAsync(user));
    }

    [Fact]
    public async Task The_preview_draws_the_chosen_cover_page_as_page_one_with_the_job_pipelines_renderer()
    {
        var user = await Office.UserAsync(Unique("cover"));
        var me = await Office.PrincipalAsync(user.Id);
        var book = Office.Services.GetRequiredServiceOf<Core.AddressBook.AddressBookService>();
        var ann = await book.SaveContactAsync(me, new Core.AddressBook.Contact { Name = "Ann Archer", Company = "Archer GmbH", FaxNumber = "+49 30 1111111" }, central: false, CancellationToken.None);
        using var session = await WebSession.LogInAsync(Office, user);
        byte[] letter = Encoding.UTF8.GetBytes("Dear Ann,\nthe figures are attached.\n");
        string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        async Task<(string Draft, string Html)> PreviewAsync(params (string Name, string Value)[] fields)
        {
            await session.GetHtmlAsync("/send");
            using var form = Form("letter.txt", letter, fields);
            using var response = await session.PostMultipartAsync("/send?handler=Preview", form);
            Assert.True(response.StatusCode == HttpStatusCode.OK, session.LastHtml);
            return (DraftImage().Match(session.LastHtml).Groups[1].Value, session.LastHtml);
        }

        var (plain, plainHtml) = await PreviewAsync(("contact", Id(ann.Id)), ("resolution", "standard"));
        Assert.Contains("Preview: 1 page(s)</h2>", plainHtml, StringComparison.Ordinal);
        DateTimeOffset before = DateTimeOffset.UtcNow;
        var (covered, coveredHtml) = await PreviewAsync(("contact", Id(ann.Id)), ("resolution", "standard"), ("cover", "true"), ("subject", "Figures"), ("note", "Two pages in all."));
        DateTimeOffset after = DateTimeOffset.UtcNow;
        Assert.Contains("Preview: 2 page(s), the first is the cover page", coveredHtml, StringComparison.Ordinal);
        Assert.Contains("<figcaption>cover page</figcaption>", coveredHtml, StringComparison.Ordinal);

        var body = ReadDraft(plain).Pages[0].DecodeBilevel();
        var preview = ReadDraft(covered);
        Assert.Equal(2, preview.Pages.Count);
        Assert.Equal(body.Pixels, preview.Pages[1].DecodeBilevel().Pixels); // the letter follows, unchanged

        // Page 1 is what the conversion worker would put in front of the job to Ann, to the pixel
        // (the sheet shows the minute, so every minute the request may have taken is a candidate).
        var coverPage = preview.Pages[0].DecodeBilevel();
        var renderer = new Imaging.Conversion.CoverPageRenderer(new Imaging.Conversion.ConverterSettings());
        var mailbox = (await Office.Store.Mailboxes.GetAsync(user.MailboxId, CancellationToken.None))!;
        bool matched = false;
        for (var minute = Minute(before); minute <= Minute(after) && !matched; minute = minute.AddMinutes(1))
        {
            var sheet = Core.Jobs.CoverSheet.Of("Ann Archer", "Archer GmbH", "+49 30 1111111", mailbox, "Figures", "Two pages in all.", 1, minute);
            var expected = await renderer.RenderAsync(
                new Imaging.Conversion.CoverPage { ToName = sheet.ToName, ToCompany = sheet.ToCompany, ToNumber = sheet.ToNumber, FromName = sheet.FromName, FromFaxId = sheet.FromFaxId, Subject = sheet.Subject, Note = sheet.Note, PageCount = sheet.Pages, Date = sheet.Date },
                Imaging.Conversion.FaxResolution.Standard,
                Imaging.Conversion.PaperSize.A4,
                CancellationToken.None);
            matched = expected.Width == coverPage.Width && expected.Height == coverPage.Height && expected.Pixels.AsSpan().SequenceEqual(coverPage.Pixels);
        }

        Assert.True(matched, "page 1 of the preview is not the cover sheet the job pipeline draws for this fax");

        // A recipient the fax could not go to is said at preview time, and nothing is kept.
        await session.GetHtmlAsync("/send");
        using var bad = Form("letter.txt", letter, ("to", "not a number"), ("cover", "true"));
        using var refused = await session.PostMultipartAsync("/send?handler=Preview", bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is not a fax number", session.LastHtml, StringComparison.Ordinal);
    }

    private static DateTimeOffset Minute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    private Imaging.Tiff.TiffDocument ReadDraft(string draft)
    {
        Assert.Matches("^[0-9a-f]{32}$", draft);
        return Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(Path.Combine(Office.Directory, "tmp", "web-drafts", draft, "preview.tif")));
    }

    [GeneratedRegex("/send/draft/([0-9a-f]{32})/page/1\\.png")]
    private static partial Regex DraftImage();
}
