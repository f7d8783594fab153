using System.Text;
using FaxPost.Core;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Rights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Api;

/// <summary>Contacts and distribution lists (the central book and the caller's own), CSV import/export of the central book.</summary>
internal static class AddressBookEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var contacts = api.MapGroup("/contacts").WithTags("Address book");
        contacts.MapGet("/", async (Principal by, AddressBookService book, CancellationToken ct) =>
            (await book.ContactsAsync(by, ct).ConfigureAwait(false)).Select(ContactView.Of).ToList()).WithName("ListContacts");
        contacts.MapPost("/", async (ContactJson body, Principal by, AddressBookService book, CancellationToken ct) =>
        {
            var saved = await book.SaveContactAsync(by, body.ToContact(0), body.Central, ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/contacts/{saved.Id}", ContactView.Of(saved));
        }).WithName("CreateContact");
        contacts.MapPut("/{id:long}", async (long id, ContactJson body, Principal by, AddressBookService book, CancellationToken ct) =>
            ContactView.Of(await book.SaveContactAsync(by, body.ToContact(id), body.Central, ct).ConfigureAwait(false))).WithName("UpdateContact");
        contacts.MapDelete("/{id:long}", async (long id, Principal by, AddressBookService book, CancellationToken ct) =>
        {
            await book.DeleteContactAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("DeleteContact");
        contacts.MapGet("/central.csv", async (Principal by, AddressBookService book, CancellationToken ct) =>
            Results.Text(await book.ExportCentralCsvAsync(by, ct).ConfigureAwait(false), "text/csv; charset=utf-8", Encoding.UTF8))
            .WithName("ExportCentralContacts").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        contacts.MapPost("/central.csv", ImportAsync)
            .WithName("ImportCentralContacts")
            .WithSummary("Adds the rows of a CSV (header: name, company, fax, email) to the central address book; all rows are checked first.")
            .Accepts<string>("text/csv")
            .WithMetadata(UploadEndpointMetadata.Instance);

        var lists = api.MapGroup("/lists").WithTags("Address book");
        lists.MapGet("/", async (Principal by, AddressBookService book, CancellationToken ct) =>
            (await book.ListsAsync(by, ct).ConfigureAwait(false)).Select(ListView.Of).ToList()).WithName("ListDistributionLists");
        lists.MapPost("/", async (ListJson body, Principal by, AddressBookService book, CancellationToken ct) =>
        {
            var saved = await book.SaveListAsync(by, body.ToList(0), body.Central, ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/lists/{saved.Id}", ListView.Of(saved));
        }).WithName("CreateDistributionList");
        lists.MapPut("/{id:long}", async (long id, ListJson body, Principal by, AddressBookService book, CancellationToken ct) =>
            ListView.Of(await book.SaveListAsync(by, body.ToList(id), body.Central, ct).ConfigureAwait(false))).WithName("UpdateDistributionList");
        lists.MapDelete("/{id:long}", async (long id, Principal by, AddressBookService book, CancellationToken ct) =>
        {
            await book.DeleteListAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("DeleteDistributionList");
    }

    public sealed record ContactJson(string? Name, string? Company, string? FaxNumber, string? Email, bool Central)
    {
        internal Contact ToContact(long id) => new()
        {
            Id = id,
            Name = Name?.Trim() ?? "",
            Company = Blank(Company),
            FaxNumber = Blank(FaxNumber),
            Email = Blank(Email),
        };
    }

    public sealed record ListJson(string? Name, IReadOnlyList<long>? ContactIds, bool Central)
    {
        internal DistributionList ToList(long id) => new() { Id = id, Name = Name?.Trim() ?? "", ContactIds = (ContactIds ?? []).ToList() };
    }

    public sealed record ImportView(int Imported);

    private static async Task<ImportView> ImportAsync(HttpRequest request, Principal by, AddressBookService book, CancellationToken ct)
    {
        string csv;
        try
        {
            using var reader = new StreamReader(request.Body, new UTF8Encoding(false, true));
            csv = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationException("The CSV is not UTF-8 text.");
        }

        return new ImportView(await book.ImportCentralCsvAsync(by, csv.TrimStart('\uFEFF'), ct).ConfigureAwait(false));
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
