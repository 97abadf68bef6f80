using System;
using System.Linq;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Commands;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// The query text New-PartnerInsightsQuery and Get-PartnerInsightsQueryPreview build from -Dataset, -Column,
    /// -Metric, -Where, -OrderBy, -Limit and -TimeSpan: the clauses in the documented order, and no name that could
    /// add a clause, a dataset or a statement.
    /// </summary>
    public sealed class InsightsQueryBuilderTests
    {
        [Fact]
        public void Builds_the_clauses_in_the_documented_order()
        {
            string text = new InsightsQueryBuilder
            {
                Dataset = "SeatsSubscriptionsAndRevenue",
                Columns = new[] { "CustomerTenantId", "Product" },
                Metrics = new[] { "TotalSoldSeats", "TotalAssignedSeats" },
                Where = " CustomerName = 'Contoso' ",
                OrderBy = new[] { "TotalSoldSeats desc", "Product" },
                Limit = 10,
                TimeSpan = "last_month",
            }.Build();

            Assert.Equal(
                "SELECT CustomerTenantId,Product,TotalSoldSeats,TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue WHERE CustomerName = 'Contoso' "
                + "ORDER BY TotalSoldSeats DESC,Product LIMIT 10 TIMESPAN LAST_MONTH",
                text);
        }

        [Fact]
        public void Leaves_out_the_clauses_not_given()
        {
            Assert.Equal("SELECT TotalSoldSeats FROM SeatsSubscriptionsAndRevenue", new InsightsQueryBuilder { Dataset = "SeatsSubscriptionsAndRevenue", Metrics = new[] { "TotalSoldSeats" } }.Build());
        }

        [Theory]
        [InlineData("x FROM Other")]
        [InlineData("a;b")]
        [InlineData("a,b")]
        [InlineData("*")]
        [InlineData("a--")]
        [InlineData("a'b")]
        [InlineData("a\nb")]
        [InlineData("1abc")]
        [InlineData("")]
        [InlineData("Tot\u0430lSoldSeats")] // a Cyrillic 'а'
        public void A_column_that_is_not_a_plain_identifier_is_refused_before_anything_is_sent(string column)
        {
            var builder = new InsightsQueryBuilder { Dataset = "OfficeUsage", Columns = new[] { "CustomerName", column } };
            var refused = Assert.Throws<PartnerCenterException>(() => builder.Build());
            Assert.Equal(PartnerCenterErrorIds.InvalidArgument, refused.ErrorId);
            Assert.Contains("-Column", refused.Message);
            Assert.Contains("Nothing was sent", refused.Message);
            Assert.DoesNotContain('\n', refused.Message);
        }

        [Theory]
        [InlineData("OfficeUsage WHERE 1=1")]
        [InlineData("OfficeUsage;DROP")]
        [InlineData("Office Usage")]
        public void A_dataset_metric_or_order_that_could_add_a_clause_is_refused(string name)
        {
            Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = name, Columns = new[] { "CustomerName" } }.Build());
            Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage", Metrics = new[] { name } }.Build());
            Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage", Columns = new[] { "CustomerName" }, OrderBy = new[] { name } }.Build());
        }

        [Theory]
        [InlineData("CustomerName ASC", true)]
        [InlineData("CustomerName  desc", true)]
        [InlineData("CustomerName", true)]
        [InlineData("CustomerName DESC LIMIT", false)]
        [InlineData("CustomerName SIDEWAYS", false)]
        [InlineData("CustomerName DESC; x", false)]
        public void An_order_by_term_is_a_name_and_an_optional_direction(string term, bool valid)
        {
            Assert.Equal(valid, InsightsQueryBuilder.IsOrderByTerm(term));
        }

        [Fact]
        public void Nothing_selected_is_refused_as_there_is_no_select_star()
        {
            var refused = Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage" }.Build());
            Assert.Contains("SELECT *", refused.Message);
        }

        [Theory]
        [InlineData("CustomerName = 'a'; DELETE")]
        [InlineData("CustomerName = 'a'\nTIMESPAN LIFETIME")]
        [InlineData("CustomerName = '\u001b[31m'")]
        public void A_where_clause_with_a_semicolon_or_control_character_is_refused(string where)
        {
            var refused = Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage", Columns = new[] { "CustomerName" }, Where = where }.Build());
            Assert.Contains("-Where", refused.Message);
            Assert.DoesNotContain('\u001b', refused.Message);
        }

        [Theory]
        [InlineData("LAST_2_WEEKS")]
        [InlineData("LAST_MONTH LIMIT 5")]
        public void A_timespan_that_is_not_documented_is_refused(string timeSpan)
        {
            Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage", Columns = new[] { "CustomerName" }, TimeSpan = timeSpan }.Build());
        }

        [Fact]
        public void A_limit_below_one_is_refused()
        {
            Assert.Throws<PartnerCenterException>(() => new InsightsQueryBuilder { Dataset = "OfficeUsage", Columns = new[] { "CustomerName" }, Limit = 0 }.Build());
        }

        [Theory]
        [InlineData("SELECT a,b FROM OfficeUsage TIMESPAN LAST_MONTH", "OfficeUsage")]
        [InlineData("select a from\n  DynamicsUsage", "DynamicsUsage")]
        [InlineData("SELECT a", null)]
        [InlineData("SELECT a FROM 'x y'", null)]
        public void The_dataset_of_a_query_text_is_read_for_names_and_advice_only(string query, string dataset)
        {
            Assert.Equal(dataset, InsightsQueryBuilder.DatasetOf(query));
        }

        [Theory]
        [InlineData("7d19305c-56db-4edc-b776-428340e3a9c8", "7d19305c-56db-4edc-b776-428340e3a9c8")]
        [InlineData(" {7D19305C-56DB-4EDC-B776-428340E3A9C8} ", "7d19305c-56db-4edc-b776-428340e3a9c8")]
        [InlineData("7d19305c-56db-4edc-b776-428340e3a9c8/../x", null)]
        [InlineData("..", null)]
        [InlineData("7d19305c56db4edcb776428340e3a9c8", null)]
        [InlineData(null, null)]
        public void A_query_id_becomes_a_path_segment_only_as_a_guid(string text, string expected)
        {
            Assert.Equal(expected, InsightsQueryId.Normalize(text));
        }

        [Fact]
        public void The_default_name_is_the_modules_prefix_the_dataset_the_utc_time_and_eight_hex_digits()
        {
            string name = NewPartnerInsightsQueryCommand.DefaultName(
                "OfficeUsage", new DateTimeOffset(2026, 12, 7, 23, 15, 0, TimeSpan.FromHours(1)), Guid.Parse("1a2b3c4d-0000-0000-0000-000000000000"));
            Assert.Equal("PCL-OfficeUsage-20261207T221500Z-1a2b3c4d", name);
            Assert.StartsWith("PCL-Query-", NewPartnerInsightsQueryCommand.DefaultName(null, DateTimeOffset.UtcNow, Guid.NewGuid()));
        }
    }

    /// <summary>
    /// Column and metric completion: the schemas Get-PartnerInsightsDataset read, for the dataset -Dataset names,
    /// nothing before one was read, and only plain identifiers (the service's text never reaches the command line as is).
    /// </summary>
    [Collection(nameof(InsightsCompletionMemory))]
    public sealed class InsightsFieldNameCompleterTests : IDisposable
    {
        private static readonly PartnerInsightsDataset Office = new PartnerInsightsDataset(
            "OfficeUsage", null, new[] { "CustomerName", "WorkloadName", "Bad Name\u001b" }, new[] { "TotalMonthlyActiveUsers", "CustomerCount" }, new[] { "LAST_MONTH" }, 24);

        private static readonly PartnerInsightsDataset Dynamics = new PartnerInsightsDataset(
            "DynamicsUsage", null, new[] { "SKU", "CustomerName" }, new[] { "TotalSoldSeats" }, new[] { "LAST_MONTH" }, 24);

        public InsightsFieldNameCompleterTests()
        {
            InsightsDatasetNameCompleter.Forget();
        }

        public void Dispose() => InsightsDatasetNameCompleter.Forget();

        [Fact]
        public void Before_a_dataset_was_read_nothing_is_offered()
        {
            Assert.Empty(InsightsFieldNameCompleter.Offered("OfficeUsage", "Column"));
            Assert.Empty(Complete("Metric", "OfficeUsage", string.Empty));
        }

        [Fact]
        public void Columns_metrics_and_both_for_order_by_of_the_dataset_named()
        {
            InsightsDatasetNameCompleter.Remember(new[] { Office, Dynamics }, complete: true);

            Assert.Equal(new[] { "CustomerName", "WorkloadName" }, Complete("Column", "officeusage", string.Empty));
            Assert.Equal(new[] { "TotalMonthlyActiveUsers" }, Complete("Metric", "OfficeUsage", "'tot"));
            Assert.Equal(new[] { "CustomerName", "CustomerCount" }, Complete("OrderBy", "OfficeUsage", "Cu"));
            Assert.Equal(new[] { "SKU" }, Complete("Column", "DynamicsUsage", "S"));
            Assert.Empty(Complete("Column", "NotRead", string.Empty));
            Assert.Empty(Complete("Column", null, string.Empty));
        }

        [Fact]
        public void A_read_of_one_dataset_adds_its_schema_without_replacing_the_list_of_names()
        {
            InsightsDatasetNameCompleter.Remember(new[] { Office }, complete: true);
            InsightsDatasetNameCompleter.Remember(new[] { Dynamics }, complete: false);

            Assert.Equal(new[] { "OfficeUsage" }, InsightsDatasetNameCompleter.Names);
            Assert.Equal(new[] { "SKU", "CustomerName" }, Complete("Column", "DynamicsUsage", string.Empty));
            Assert.Equal(new[] { "CustomerName", "WorkloadName" }, Complete("Column", "OfficeUsage", string.Empty));
        }

        private static string[] Complete(string parameter, string dataset, string word)
        {
            var bound = new System.Collections.Hashtable();
            if (dataset != null)
            {
                bound["Dataset"] = dataset;
            }

            return new InsightsFieldNameCompleter().CompleteArgument("New-PartnerInsightsQuery", parameter, word, null, bound).Select(c => c.CompletionText).ToArray();
        }
    }

    /// <summary>The completion memory is one per process: its tests run one at a time.</summary>
    [CollectionDefinition(nameof(InsightsCompletionMemory), DisableParallelization = true)]
    public sealed class InsightsCompletionMemory
    {
    }
}
