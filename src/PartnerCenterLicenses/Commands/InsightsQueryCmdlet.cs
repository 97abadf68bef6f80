using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What the cmdlets that take a Partner insights report query share: the query's text (-Query), or its parts
    /// (-Dataset, -Column, -Metric, -Where, -OrderBy, -Limit, -TimeSpan) written into one by
    /// <see cref="InsightsQueryBuilder"/>, names checked at binding; and a rejected query's advice naming the
    /// dataset to look up.
    /// </summary>
    public abstract class InsightsQueryCmdlet : PartnerCenterCmdlet
    {
        /// <summary>The parameter set of a query given as text.</summary>
        protected const string TextSet = "Query";

        /// <summary>The parameter set of a query built from its parts.</summary>
        protected const string PartsSet = "Dataset";

        /// <summary>
        /// <para type="description">The query's text in the Partner insights query language, for example
        /// 'SELECT CustomerTenantId,Product,TotalSoldSeats,TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH'.
        /// It is sent as written; Partner insights checks it (no SELECT *; columns and metrics of the dataset only).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TextSet)]
        [ValidateNotNullOrEmpty]
        public string Query { get; set; }

        /// <summary>
        /// <para type="description">The dataset the query reads (after FROM), for example SeatsSubscriptionsAndRevenue. Letters,
        /// digits and '_' only. Tab completion offers the dataset names.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = PartsSet)]
        [ValidateInsightsName(InsightsNameKind.Identifier)]
        [ArgumentCompleter(typeof(InsightsDatasetNameCompleter))]
        public string Dataset { get; set; }

        /// <summary>
        /// <para type="description">The columns to select, for example CustomerTenantId, Product. Letters, digits and '_' only, so a
        /// name cannot add a clause to the query. Tab completion offers the columns of the -Dataset once Get-PartnerInsightsDataset has
        /// read it in this session. Select at least one column or metric.</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateInsightsName(InsightsNameKind.Identifier)]
        [ArgumentCompleter(typeof(InsightsFieldNameCompleter))]
        public string[] Column { get; set; }

        /// <summary>
        /// <para type="description">The metrics (aggregates) to select after the columns, for example TotalSoldSeats,
        /// TotalAssignedSeats. Letters, digits and '_' only. Tab completion offers the metrics of the -Dataset once read.</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateInsightsName(InsightsNameKind.Identifier)]
        [ArgumentCompleter(typeof(InsightsFieldNameCompleter))]
        public string[] Metric { get; set; }

        /// <summary>
        /// <para type="description">The WHERE clause's condition, without the keyword, written into the query as given, for example
        /// "CustomerName = 'Contoso'" or "TotalSoldSeats > 10". It may not contain ';' or control characters.</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateNotNullOrEmpty]
        public string Where { get; set; }

        /// <summary>
        /// <para type="description">ORDER BY terms: a column or metric name, optionally followed by ASC or DESC, for example
        /// 'TotalSoldSeats DESC'. Tab completion offers the columns and metrics of the -Dataset once read.</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateInsightsName(InsightsNameKind.OrderByTerm)]
        [ArgumentCompleter(typeof(InsightsFieldNameCompleter))]
        public string[] OrderBy { get; set; }

        /// <summary>
        /// <para type="description">The most rows the query returns (LIMIT).</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Limit { get; set; }

        /// <summary>
        /// <para type="description">The period the query covers (TIMESPAN): LAST_MONTH, LAST_3_MONTHS, LAST_6_MONTHS, LAST_1_YEAR or
        /// LIFETIME, the values Microsoft documents (each dataset's DateRanges). Without it, the service's default applies.</para>
        /// </summary>
        [Parameter(ParameterSetName = PartsSet)]
        [ValidateSet("LAST_MONTH", "LAST_3_MONTHS", "LAST_6_MONTHS", "LAST_1_YEAR", "LIFETIME", IgnoreCase = true)]
        public string TimeSpan { get; set; }

        /// <summary>Whether the query was given as text or parts (false for a command's other parameter sets).</summary>
        internal bool HasQuery => ParameterSetName == TextSet || ParameterSetName == PartsSet;

        /// <summary>The dataset the query reads, when it can be told: -Dataset, or the name after FROM in -Query.</summary>
        internal string DatasetName => ParameterSetName == PartsSet ? Dataset : InsightsQueryBuilder.DatasetOf(Query);

        /// <summary>The query's text: -Query as given, or the parts written out; the command ends with PartnerCenter.InvalidArgument when they do not make a query.</summary>
        internal string QueryText()
        {
            if (ParameterSetName != PartsSet)
            {
                return Query;
            }

            try
            {
                return new InsightsQueryBuilder
                {
                    Dataset = Dataset,
                    Columns = Column ?? new string[0],
                    Metrics = Metric ?? new string[0],
                    Where = Where,
                    OrderBy = OrderBy ?? new string[0],
                    Limit = MyInvocation.BoundParameters.ContainsKey(nameof(Limit)) ? Limit : (int?)null,
                    TimeSpan = TimeSpan,
                }.Build();
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, Dataset);
                return null;
            }
        }

        /// <summary>A query Partner insights rejected: the advice names the dataset whose columns to look up.</summary>
        internal override PartnerCenterException Explained(PartnerCenterException failure)
        {
            if (failure.ErrorId != PartnerCenterErrorIds.InvalidQuery)
            {
                return failure;
            }

            string dataset = DatasetName;
            PartnerCenterException explained = failure.WithMessage(failure.Message);
            explained.RecommendedAction = "Correct the query: SELECT only columns and metrics of its dataset (no SELECT *), and a TIMESPAN the dataset lists. "
                + (dataset != null
                    ? "Get-PartnerInsightsDataset -Name " + dataset + " lists its Columns, Metrics and DateRanges."
                    : "Get-PartnerInsightsDataset lists the datasets with their Columns, Metrics and DateRanges.");
            return explained;
        }
    }
}
