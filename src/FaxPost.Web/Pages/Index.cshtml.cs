using FaxPost.Web.Ui;

namespace FaxPost.Web.Pages;

/// <summary>The start page: the user's mailboxes and what the user may do in each.</summary>
public sealed class IndexModel : FaxPostPageModel
{
    public void OnGet()
    {
    }
}
