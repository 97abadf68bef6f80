using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Partner insights programmatic access (<c>/insights/v1/mpn</c>): the user-defined report queries, whether
    /// the signed-in user has the Executive Report Viewer role, and the rows a query is evaluated over. The
    /// datasets themselves are one table, <see cref="InsightsDatasets"/>.
    /// </summary>
    public sealed partial class EmulatorState
    {
        /// <summary>The most rows <c>ScheduledQueries/testQueryResult</c> answers with ("Try report queries API": 100).</summary>
        public const int InsightsTestRowLimit = 100;

        private readonly List<InsightsQuery> _insightsQueries = new List<InsightsQuery>();

        /// <summary>The report files behind the secure links of completed executions, served by the download origin.</summary>
        public DownloadStore Downloads { get; } = new DownloadStore();
        private bool _executiveReportViewer = true;

        /// <summary>
        /// Whether the signed-in user has the Executive Report Viewer role, which insights programmatic access
        /// needs; false makes every insights route answer 403. Reset: true.
        /// </summary>
        public bool ExecutiveReportViewer
        {
            get { lock (_gate) { return _executiveReportViewer; } }
            set { lock (_gate) { _executiveReportViewer = value; } }
        }

        private bool _insightsDataRedacted;

        /// <summary>
        /// Whether successful insights answers say <c>dataRedacted: true</c> (the service withheld some of the data),
        /// so tests can see what the module makes of it. Reset: false.
        /// </summary>
        public bool InsightsDataRedacted
        {
            get { lock (_gate) { return _insightsDataRedacted; } }
            set { lock (_gate) { _insightsDataRedacted = value; } }
        }

        /// <summary>The user-defined queries saved now (not the system queries), oldest first.</summary>
        public IReadOnlyList<string> InsightsQueryIds
        {
            get { lock (_gate) { return _insightsQueries.Select(q => q.QueryId).ToArray(); } }
        }

        internal InsightsQuery AddInsightsQuery(string name, string description, string query, string user)
        {
            var saved = new InsightsQuery(Guid.NewGuid().ToString("D"), name, description, query, "userDefined", user, TruncatedToSeconds(DateTimeOffset.UtcNow));
            lock (_gate)
            {
                _insightsQueries.Add(saved);
            }

            return saved;
        }

        /// <summary>System queries first (when asked for), then the user-defined ones, filtered by id and name.</summary>
        internal IReadOnlyList<InsightsQuery> FindInsightsQueries(string queryId, string queryName, bool includeSystem, bool onlySystem)
        {
            IEnumerable<InsightsQuery> queries;
            lock (_gate)
            {
                queries = (includeSystem || onlySystem ? InsightsDatasets.SystemQueries : Enumerable.Empty<InsightsQuery>())
                    .Concat(onlySystem ? Enumerable.Empty<InsightsQuery>() : _insightsQueries.ToArray());
            }

            return queries
                .Where(q => queryId == null || string.Equals(q.QueryId, queryId, StringComparison.OrdinalIgnoreCase))
                .Where(q => queryName == null || string.Equals(q.Name, queryName, StringComparison.OrdinalIgnoreCase))
                .ToArray();
        }

        /// <summary>Removes a user-defined query; null when there is none with that id (system queries cannot be removed).</summary>
        internal InsightsQuery RemoveInsightsQuery(string queryId)
        {
            lock (_gate)
            {
                int index = _insightsQueries.FindIndex(q => string.Equals(q.QueryId, queryId, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    return null;
                }

                InsightsQuery removed = _insightsQueries[index];
                _insightsQueries.RemoveAt(index);
                return removed;
            }
        }

        /// <summary>The rows a query over the named dataset is evaluated over (every column and metric), for tests to compare with.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, object>> InsightsRowsOf(string datasetName) =>
            InsightsRows(InsightsDatasets.All.Single(d => string.Equals(d.Name, datasetName, StringComparison.OrdinalIgnoreCase))).ToArray();

        /// <summary>
        /// The rows of a dataset, one per commercial deployment row (customer and product), so the seat counts
        /// agree with what the commercial license API answers for the same customer: sold seats are its
        /// licensesSold, assigned seats its licensesDeployed. Fields not derived from it are the field's name
        /// and the row number (text) or 0 (numbers).
        /// </summary>
        internal IEnumerable<IReadOnlyDictionary<string, object>> InsightsRows(InsightsDataset dataset)
        {
            CommercialRowSource source;
            lock (_gate)
            {
                source = _commercialDeploymentRows;
            }

            string month = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1)
                .ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
            for (int i = 0; i < source.Count; i++)
            {
                CommercialRow commercial = source[i];
                var row = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (string field in dataset.Columns.Concat(dataset.Metrics))
                {
                    row[field] = field switch
                    {
                        "CustomerTenantId" => commercial.CustomerTenantId,
                        "CustomerName" => commercial.CustomerName,
                        "Product" or "ReportingProductName" or "RawProductName" or "SKU" => commercial.ProductName,
                        "SKUId" or "ProductPartNumber" => commercial.ProductId,
                        "Month" => month,
                        "TotalSoldSeats" or "AvailableSeats" or "PaidAvailableUnits" or "TotalPaidAvailableUnits" => commercial.LicensesSold,
                        "TotalAssignedSeats" or "AssignedSeats" => commercial.LicensesDeployed,
                        "ActiveSeats" or "TotalActiveSeats" or "MonthlyActiveUsers" or "TotalMonthlyActiveUsers" => commercial.LicensesDeployed,
                        "DeploymentOpportunity" => commercial.LicensesSold - commercial.LicensesDeployed,
                        "ActiveUsagePercent" => commercial.LicensesSold == 0 ? 0.0 : Math.Round(100.0 * commercial.LicensesDeployed / commercial.LicensesSold, 2),
                        "CustomerCount" or "CustomerTenantCount" or "SubscriptionCount" => 1L,
                        _ when dataset.IsMetric(field) => 0L,
                        _ => field + " " + (i + 1).ToString(CultureInfo.InvariantCulture),
                    };
                }

                yield return row;
            }
        }

        private void ResetInsightsLocked()
        {
            _insightsDataRedacted = false;
            _insightsQueries.Clear();
            _executiveReportViewer = true;
            Downloads.Clear();
            ResetInsightsReportsLocked();
        }

        private static DateTimeOffset TruncatedToSeconds(DateTimeOffset time) =>
            new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
    }
}
