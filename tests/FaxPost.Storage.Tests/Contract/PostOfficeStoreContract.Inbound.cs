using FaxPost.Core.Inbound;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Contract;

public abstract partial class PostOfficeStoreContract
{
    [Fact]
    public async Task Inbound_fax_round_trips_with_its_first_event()
    {
        var fax = Sample.Fax(4, "ACME Corp", Sample.T0);
        fax.FromJobId = 77;
        fax.Note = "note";
        long id = await Store.Inbound.AddAsync(fax, "2 page(s) routed to extension 100", Ct);

        Assert.Equal(id, fax.Id);
        var read = await Store.Inbound.GetAsync(id, Ct);
        Assert.NotNull(read);
        Assert.Equal(4, read.MailboxId);
        Assert.Equal("+49305559", read.CallerNumber);
        Assert.Equal("ACME Corp", read.SenderId);
        Assert.Equal("+49891234100", read.DialledNumber);
        Assert.Equal("7", read.SubAddress);
        Assert.Equal(2, read.Pages);
        Assert.Equal(Sample.T0, read.ReceivedAt);
        Assert.Equal(InboundState.Routed, read.State);
        Assert.Equal(UnroutableReason.None, read.Reason);
        Assert.Equal("inbound/2026/11/x.tif", read.Document);
        Assert.Equal(77, read.FromJobId);
        Assert.True(read.Partial);
        Assert.Equal("note", read.Note);
        Assert.Equal(Sample.T0, read.UpdatedAt);

        var evt = Assert.Single(await Store.Inbound.EventsAsync(id, Ct));
        Assert.Equal("routed", evt.Kind);
        Assert.Equal("2 page(s) routed to extension 100", evt.Message);
        Assert.Equal(Sample.T0, evt.At);
        Assert.Null(evt.UserId);

        var lost = Sample.Fax(null, "x", Sample.T0, InboundState.Unroutable);
        await Store.Inbound.AddAsync(lost, "to the fax post office", Ct);
        Assert.Equal("unroutable", Assert.Single(await Store.Inbound.EventsAsync(lost.Id, Ct)).Kind);
        Assert.Null((await Store.Inbound.GetAsync(lost.Id, Ct))?.MailboxId);
        Assert.Equal(UnroutableReason.UnknownExtension, (await Store.Inbound.GetAsync(lost.Id, Ct))?.Reason);
    }

    [Fact]
    public async Task Inbound_update_and_events_form_the_audit_trail()
    {
        var fax = Sample.Fax(null, "ACME", Sample.T0, InboundState.Unroutable);
        await Store.Inbound.AddAsync(fax, "unknown extension", Ct);

        fax.MailboxId = 9;
        fax.State = InboundState.HandedOff;
        fax.Reason = UnroutableReason.None;
        fax.Note = "for you";
        fax.UpdatedAt = Sample.T0.AddHours(1);
        var handOff = new InboundEvent { At = Sample.T0.AddHours(1), Kind = "handed-off", UserId = 3, Message = "postoffice handed it to 'Sales'" };
        await Store.Inbound.UpdateAsync(fax, handOff, Ct);
        await Store.Inbound.AddEventAsync(new InboundEvent { FaxId = fax.Id, At = Sample.T0.AddHours(2), Kind = "read", UserId = 4, Message = "read" }, Ct);

        var read = (await Store.Inbound.GetAsync(fax.Id, Ct))!;
        Assert.Equal(9, read.MailboxId);
        Assert.Equal(InboundState.HandedOff, read.State);
        Assert.Equal("for you", read.Note);
        Assert.Equal(Sample.T0.AddHours(1), read.UpdatedAt);
        var events = await Store.Inbound.EventsAsync(fax.Id, Ct);
        Assert.Equal(["unroutable", "handed-off", "read"], events.Select(e => e.Kind));
        Assert.Equal([null, 3L, 4L], events.Select(e => e.UserId));
        Assert.Equal(handOff.Id, events[1].Id);
        Assert.Equal(fax.Id, events[1].FaxId);
        Assert.Equal(Sample.T0.AddHours(2), events[2].At);
    }

    [Fact]
    public async Task Inbound_queries_filter_by_mailbox_queue_sender_dates_and_deletion()
    {
        var f1 = Sample.Fax(1, "ACME Corp", Sample.T0);
        var f2 = Sample.Fax(1, "Widgets 100%", Sample.T0.AddDays(1));
        var f3 = Sample.Fax(2, "acme berlin", Sample.T0.AddDays(2));
        var f4 = Sample.Fax(null, "Unknown", Sample.T0.AddDays(3), InboundState.Unroutable);
        var f5 = Sample.Fax(1, "ACME deleted", Sample.T0.AddDays(4), InboundState.Deleted);
        var f6 = Sample.Fax(2, null, Sample.T0.AddDays(5));
        f6.CallerNumber = "+4930777888";
        foreach (var f in new[] { f1, f2, f3, f4, f5, f6 })
        {
            await Store.Inbound.AddAsync(f, "arrived", Ct);
        }

        async Task<long[]> Ids(InboundQuery q) => (await Store.Inbound.QueryAsync(q, Ct)).Select(f => f.Id).ToArray();

        Assert.Equal([f6.Id, f4.Id, f3.Id, f2.Id, f1.Id], await Ids(new InboundQuery()));
        Assert.Equal([f6.Id, f5.Id, f4.Id, f3.Id, f2.Id, f1.Id], await Ids(new InboundQuery(IncludeDeleted: true)));
        Assert.Equal([f2.Id, f1.Id], await Ids(new InboundQuery(MailboxIds: [1])));
        Assert.Equal([f6.Id, f3.Id, f2.Id, f1.Id], await Ids(new InboundQuery(MailboxIds: [1, 2])));
        Assert.Empty(await Ids(new InboundQuery(MailboxIds: [])));
        Assert.Equal([f4.Id], await Ids(new InboundQuery(Unroutable: true)));

        // Sender: substring of the sender ID or the caller's number, ignoring case; % and _ are literal.
        Assert.Equal([f3.Id, f1.Id], await Ids(new InboundQuery(Sender: "acme")));
        Assert.Equal([f5.Id, f3.Id, f1.Id], await Ids(new InboundQuery(Sender: "ACME", IncludeDeleted: true)));
        Assert.Equal([f2.Id], await Ids(new InboundQuery(Sender: "0%")));
        Assert.Empty(await Ids(new InboundQuery(Sender: "A_ME")));
        Assert.Equal([f6.Id], await Ids(new InboundQuery(Sender: "777")));

        // From inclusive, To exclusive.
        Assert.Equal([f3.Id, f2.Id], await Ids(new InboundQuery(From: Sample.T0.AddDays(1), To: Sample.T0.AddDays(3))));
        Assert.Equal([f6.Id, f4.Id], await Ids(new InboundQuery(From: Sample.T0.AddDays(3))));
        Assert.Equal([f1.Id], await Ids(new InboundQuery(To: Sample.T0.AddDays(1))));

        // Paging.
        Assert.Equal([f6.Id, f4.Id], await Ids(new InboundQuery(Limit: 2)));
        Assert.Equal([f3.Id, f2.Id], await Ids(new InboundQuery(Limit: 2, BeforeId: f4.Id)));
        Assert.Equal([f1.Id], await Ids(new InboundQuery(Limit: 2, BeforeId: f2.Id)));
    }

    [Fact]
    public async Task Retention_finds_old_faxes_and_purge_keeps_the_events()
    {
        var old = Sample.Fax(1, "a", Sample.T0.AddDays(-100), InboundState.Deleted);
        var unroutable = Sample.Fax(null, "b", Sample.T0.AddDays(-90), InboundState.Unroutable);
        var recent = Sample.Fax(1, "c", Sample.T0);
        foreach (var f in new[] { old, unroutable, recent })
        {
            await Store.Inbound.AddAsync(f, "arrived", Ct);
        }

        Assert.Equal([old.Id, unroutable.Id], (await Store.Inbound.ReceivedBeforeAsync(Sample.T0.AddDays(-30), Ct)).Select(f => f.Id));

        Assert.True(await Store.Inbound.PurgeAsync(old.Id, Ct));
        Assert.False(await Store.Inbound.PurgeAsync(old.Id, Ct));
        Assert.Null(await Store.Inbound.GetAsync(old.Id, Ct));
        Assert.Single(await Store.Inbound.EventsAsync(old.Id, Ct));
        Assert.Equal([unroutable.Id], (await Store.Inbound.ReceivedBeforeAsync(Sample.T0.AddDays(-30), Ct)).Select(f => f.Id));
    }
}
