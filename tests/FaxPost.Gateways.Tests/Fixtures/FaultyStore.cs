using System.Collections.Concurrent;
using System.Reflection;
using FaxPost.Core.Storage;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>
/// A post office store that passes everything on, except that an armed mail store method throws instead
/// of running (a power cut just before that write), once per arming. Restart tests use it for the first
/// run and the real store for the second.
/// </summary>
public sealed class FaultyStore
{
    private readonly ConcurrentDictionary<string, int> _armed = new();
    private readonly ConcurrentDictionary<string, int> _skip = new();

    public FaultyStore(IPostOfficeStore inner)
    {
        var mail = DispatchProxy.Create<IMailStore, Proxy>();
        ((Proxy)(object)mail).Init(inner.Mail, null, this);
        var store = DispatchProxy.Create<IPostOfficeStore, Proxy>();
        ((Proxy)(object)store).Init(inner, mail, this);
        Store = store;
    }

    public IPostOfficeStore Store { get; }

    /// <summary>A call of the mail store's <paramref name="method"/> (e.g. "TransitionMessageAsync") fails: the next one, or the one after <paramref name="after"/> more.</summary>
    public void FailNext(string method, int after = 0)
    {
        _skip[method] = after;
        _armed.AddOrUpdate(method, 1, (_, n) => n + 1);
    }

    /// <summary>How many armed failures happened so far.</summary>
    public int Failures;

    private bool Trip(string method)
    {
        while (_armed.TryGetValue(method, out int n) && n > 0)
        {
            if (_skip.TryGetValue(method, out int skip) && skip > 0)
            {
                if (_skip.TryUpdate(method, skip - 1, skip))
                {
                    return false;
                }

                continue;
            }

            if (_armed.TryUpdate(method, n - 1, n))
            {
                Interlocked.Increment(ref Failures);
                return true;
            }
        }

        return false;
    }

    /// <summary>The power cut.</summary>
    public sealed class CrashException(string method) : Exception($"injected crash before {method}");

    public class Proxy : DispatchProxy
    {
        private object _inner = null!;
        private IMailStore? _mail;
        private FaultyStore _owner = null!;

        internal void Init(object inner, IMailStore? mail, FaultyStore owner)
        {
            _inner = inner;
            _mail = mail;
            _owner = owner;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (_mail is not null && targetMethod.Name == "get_Mail")
            {
                return _mail;
            }

            if (_mail is null && _owner.Trip(targetMethod.Name))
            {
                var failed = new CrashException(targetMethod.Name);
                return targetMethod.ReturnType == typeof(Task) ? Task.FromException(failed)
                    : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()[0]).Invoke(null, [failed]);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
