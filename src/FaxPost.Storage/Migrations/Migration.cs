namespace FaxPost.Storage.Migrations;

/// <summary>One numbered schema script. Scripts are never edited once released: a change is a new number.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
