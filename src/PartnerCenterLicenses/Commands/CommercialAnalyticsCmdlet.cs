using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What Get-PartnerCommercialLicenseDeployment and Get-PartnerCommercialLicenseUsage share: the
    /// query parameters of the commercial analytics API, PowerShell's paging parameters, and writing
    /// the rows page after page as they are read.
    /// </summary>
    public abstract class CommercialAnalyticsCmdlet : PartnerCenterCmdlet
    {
        /// <summary>
        /// <para type="description">A filter Partner Center applies before paging, sent as it is, for example
        /// "serviceCode eq 'O365' or (channel eq 'Reseller')". Field names are those of the output without the
        /// capital first letter (serviceCode, channel, customerTenantId, productName, ...); values go in single quotes.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Filter { get; set; }

        /// <summary>
        /// <para type="description">Only rows Partner Center processed at this date and time (its processedDateTime
        /// parameter). A value without a time zone, such as 2024-05-01, is taken as UTC, as Partner Center's times
        /// are; a local time (Get-Date) is converted to UTC.</para>
        /// </summary>
        [Parameter]
        public DateTime ProcessedDateTime { get; set; }

        /// <summary>The group-by field names in Partner Center's spelling, in the order given, each once.</summary>
        internal abstract IReadOnlyList<string> GroupFields { get; }

        /// <summary>Holds the session for the invocation before anything else is done (PartnerCenter.NotConnected when there is none).</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _ = Session;
        }

        /// <summary>The query parameters the cmdlet's parameters describe, in the order Partner Center documents them; 'top' is the engine's.</summary>
        internal IReadOnlyList<KeyValuePair<string, string>> QueryParameters()
        {
            var parameters = new List<KeyValuePair<string, string>>();
            if (PagingParameters.Skip > 0)
            {
                parameters.Add(Pair("skip", PagingParameters.Skip.ToString(CultureInfo.InvariantCulture)));
            }

            if (!string.IsNullOrEmpty(Filter))
            {
                parameters.Add(Pair("filter", Filter));
            }

            if (GroupFields.Count > 0)
            {
                parameters.Add(Pair("groupby", string.Join(",", GroupFields)));
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ProcessedDateTime)))
            {
                // A time without a zone is UTC, as Partner Center's times are; a local time is converted.
                DateTime when = ProcessedDateTime;
                DateTime utc = when.Kind == DateTimeKind.Local ? when.ToUniversalTime() : DateTime.SpecifyKind(when, DateTimeKind.Utc);
                parameters.Add(Pair("processedDateTime", utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture)));
            }

            return parameters;
        }

        private static KeyValuePair<string, string> Pair(string key, string value) => new KeyValuePair<string, string>(key, value);

        /// <summary>
        /// Reads the resource page after page and writes its rows as they are read; -First and -Skip
        /// become top and skip. With -IncludeTotalCount the total comes first, as PowerShell's paging
        /// asks; the analytics envelope sends TotalCount after the first page's rows, so at most that
        /// one page is held back until the total is known (or known to be missing), and the rest streams.
        /// </summary>
        internal void WritePages<T>(PartnerCenterResource<T> resource)
        {
            if (PagingParameters.First == 0)
            {
                return;
            }

            ulong? wanted = PagingParameters.First == ulong.MaxValue ? (ulong?)null : PagingParameters.First;
            using (IItemStream<T> stream = Session.Read(resource.Request().With(QueryParameters(), wanted), NewCall(), Log, StopToken))
            {
                List<T> held = PagingParameters.IncludeTotalCount ? new List<T>() : null;

                // The rows read before a failure are written, as they would have been without -IncludeTotalCount.
                Action writeHeld = () => WriteHeld(held, stream.TotalCount);
                while (true)
                {
                    bool read = Next(stream, writeHeld);
                    if (held != null)
                    {
                        if (read && !stream.TotalCount.HasValue && stream.Pages == 1)
                        {
                            held.Add(stream.Current);
                            continue;
                        }

                        WriteHeld(held, stream.TotalCount);
                        held = null;
                    }

                    if (!read)
                    {
                        return;
                    }

                    WriteObject(stream.Current);
                }
            }
        }

        private void WriteHeld<T>(List<T> held, long? totalCount)
        {
            if (held == null)
            {
                return;
            }

            WriteObject(totalCount.HasValue && totalCount.Value >= 0
                ? PagingParameters.NewTotalCount((ulong)totalCount.Value, 1.0)
                : PagingParameters.NewTotalCount(0, 0.0));
            foreach (T item in held)
            {
                WriteObject(item);
            }

            held.Clear();
        }

        /// <summary>The names given, in the documented spelling (ValidateSet has already matched them without regard to case).</summary>
        internal static IReadOnlyList<string> Canonical(string[] names, string[] documented)
        {
            var fields = new List<string>();
            foreach (string name in names ?? Array.Empty<string>())
            {
                string field = Array.Find(documented, d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)) ?? name;
                if (!fields.Contains(field))
                {
                    fields.Add(field);
                }
            }

            return fields;
        }
    }
}
