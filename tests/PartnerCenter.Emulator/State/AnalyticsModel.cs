using System;
using System.Collections.Generic;
using System.Globalization;

namespace PartnerCenter.Emulator.State
{
    /// <summary>A customer the partner has a (reseller) relationship with, and any raw analytics bodies set for it.</summary>
    internal sealed class PartnerCustomer
    {
        public PartnerCustomer(string id, string companyName, string domain)
        {
            Id = id;
            CompanyName = companyName;
            Domain = domain;
        }

        /// <summary>Customer id, which is also the customer's tenant id; lower-case D format.</summary>
        public string Id { get; }

        public string CompanyName { get; }

        public string Domain { get; }

        /// <summary>Raw body for <c>.../analytics/licenses/deployment</c>; null for the documented rows.</summary>
        public string DeploymentJson { get; set; }

        /// <summary>Raw body for <c>.../analytics/licenses/usage</c>; null for the documented rows.</summary>
        public string UsageJson { get; set; }
    }

    /// <summary>
    /// One row of the commercial analytics API (<c>/partner/v1/analytics/commercial/{deployment|usage}/license</c>).
    /// Deployment rows leave the workload fields and the usage metrics unused, and the other way round.
    /// </summary>
    internal sealed record CommercialRow
    {
        public string ProcessedDateTime { get; init; }

        public string WorkloadCode { get; init; }

        public string WorkloadName { get; init; }

        public string ServiceCode { get; init; }

        public string ServiceName { get; init; }

        public string Channel { get; init; }

        public string CustomerTenantId { get; init; }

        public string CustomerName { get; init; }

        public string ProductId { get; init; }

        public string ProductName { get; init; }

        public long LicensesDeployed { get; init; }

        public long LicensesSold { get; init; }

        public long LicensesActive { get; init; }

        public long LicensesQualified { get; init; }

        /// <summary>The value of a dimension (a field <c>groupby</c> and <c>filter</c> may name), by its canonical name.</summary>
        public string Dimension(string field) => field switch
        {
            "workloadCode" => WorkloadCode,
            "workloadName" => WorkloadName,
            "serviceCode" => ServiceCode,
            "serviceName" => ServiceName,
            "channel" => Channel,
            "customerTenantId" => CustomerTenantId,
            "customerName" => CustomerName,
            "productId" => ProductId,
            "productName" => ProductName,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a dimension of the commercial analytics rows."),
        };
    }

    /// <summary>Which of the two commercial analytics resources a request or a setting is about.</summary>
    internal enum CommercialResource
    {
        Deployment,
        Usage,
    }

    /// <summary>
    /// The rows of one commercial resource: the documented example's, or <see cref="Count"/> rows made up on
    /// demand from their index, so 200,000 of them cost nothing until a page is written.
    /// </summary>
    internal sealed class CommercialRowSource
    {
        private static readonly (string Code, string Name)[] Services =
        {
            ("o365", "Microsoft Office 365"),
            ("crm", "Microsoft Dynamics"),
        };

        private static readonly (string Id, string Name)[] Products =
        {
            ("6FD2C87F-B296-42F0-B197-1E91E994B900", "OFFICE 365 ENTERPRISE E3"),
            ("45A2423B-E884-448D-A831-D9E139C52D2F", "EXCHANGE ONLINE PROTECTION"),
            ("D3B4FE1F-9992-4930-8ACB-CA6EC609365E", "DOMESTIC AND INTERNATIONAL CALLING PLAN"),
            ("54B84594-9C77-4499-8D65-5E0D5F410E78", "DYNAMICS AX TASK"),
        };

        private static readonly (string Code, string Name)[] Workloads =
        {
            ("EXO", "Exchange"),
            ("SPO", "SharePoint"),
            ("SFB", "Skype For Business"),
        };

        private readonly IReadOnlyList<CommercialRow> _fixed;
        private readonly CommercialResource _resource;

        private CommercialRowSource(CommercialResource resource, IReadOnlyList<CommercialRow> fixedRows, int count)
        {
            _resource = resource;
            _fixed = fixedRows;
            Count = count;
        }

        public int Count { get; }

        public static CommercialRowSource Documented(CommercialResource resource) =>
            resource == CommercialResource.Deployment
                ? new CommercialRowSource(resource, DocumentedDeploymentRows, DocumentedDeploymentRows.Length)
                : new CommercialRowSource(resource, DocumentedUsageRows, DocumentedUsageRows.Length);

        public static CommercialRowSource Generated(CommercialResource resource, int count) =>
            new CommercialRowSource(resource, fixedRows: null, count);

        public CommercialRow this[int index] => _fixed != null ? _fixed[index] : Generate(index);

        /// <summary>
        /// Row <paramref name="index"/> of a generated set: its own customer (tenant id and name derived from
        /// the index), a product, service and workload cycling through short lists, and small counts that
        /// never have more deployed or active than sold or qualified.
        /// </summary>
        private CommercialRow Generate(int index)
        {
            long number = index + 1L;
            (string serviceCode, string serviceName) = Services[index % Services.Length];
            (string productId, string productName) = Products[index % Products.Length];
            long sold = 1 + (index % 50);
            long deployed = sold - (index % 3 == 0 ? 0 : Math.Min(sold, index % 7));
            var row = new CommercialRow
            {
                ProcessedDateTime = GeneratedProcessedDateTime,
                ServiceCode = serviceCode,
                ServiceName = serviceName,
                Channel = "reseller",
                CustomerTenantId = GeneratedTenantId(number),
                CustomerName = "GENERATED CUSTOMER " + number.ToString("D6", CultureInfo.InvariantCulture),
                ProductId = productId,
                ProductName = productName,
            };
            if (_resource == CommercialResource.Deployment)
            {
                return row with { LicensesDeployed = deployed, LicensesSold = sold };
            }

            (string workloadCode, string workloadName) = Workloads[index % Workloads.Length];
            return row with
            {
                WorkloadCode = workloadCode,
                WorkloadName = workloadName,
                LicensesActive = deployed - (index % 2),
                LicensesQualified = sold,
            };
        }

        /// <summary>A D-format GUID whose first and last groups spell the row number, so a test can compute it.</summary>
        public static string GeneratedTenantId(long number) =>
            string.Create(CultureInfo.InvariantCulture, $"{number:x8}-c0de-4000-8000-{number:x12}");

        private const string GeneratedProcessedDateTime = "2022-03-25T00:00:00";

        private static readonly CommercialRow[] DocumentedDeploymentRows =
        {
            new CommercialRow
            {
                ProcessedDateTime = "2018-10-14T00:00:00",
                ServiceCode = "crm",
                ServiceName = "Microsoft Dynamics",
                Channel = "reseller",
                CustomerTenantId = "0112A436-B14E-4888-967B-CA4BB2CF1234",
                CustomerName = "TEST COMPANY",
                ProductId = "54B84594-9C77-4499-8D65-5E0D5F410E78",
                ProductName = "DYNAMICS AX TASK",
                LicensesDeployed = 0,
                LicensesSold = 9,
            },
            new CommercialRow
            {
                ProcessedDateTime = "2018-10-14T00:00:00",
                ServiceCode = "o365",
                ServiceName = "Microsoft Office 365",
                Channel = "reseller",
                CustomerTenantId = "0112A436-B14E-4888-967B-CA4BB2CF1234",
                CustomerName = "TEST COMPANY",
                ProductId = "D3B4FE1F-9992-4930-8ACB-CA6EC609365E",
                ProductName = "DOMESTIC AND INTERNATIONAL CALLING PLAN",
                LicensesDeployed = 0,
                LicensesSold = 5,
            },
        };

        private static readonly CommercialRow[] DocumentedUsageRows =
        {
            new CommercialRow
            {
                ProcessedDateTime = "2018-10-14T00:00:00",
                WorkloadCode = "SPO",
                WorkloadName = "SharePoint",
                ServiceCode = "o365",
                ServiceName = "Microsoft Office 365",
                Channel = "reseller",
                CustomerTenantId = "0112A436-B14E-4888-967B-CA4BB2CF1234",
                CustomerName = "TEST COMPANY",
                ProductId = "6FD2C87F-B296-42F0-B197-1E91E994B900",
                ProductName = "OFFICE 365 ENTERPRISE E3",
                LicensesActive = 0,
                LicensesQualified = 1,
            },
            new CommercialRow
            {
                ProcessedDateTime = "2018-10-14T00:00:00",
                WorkloadCode = "EXO",
                WorkloadName = "Exchange",
                ServiceCode = "o365",
                ServiceName = "Microsoft Office 365",
                Channel = "reseller",
                CustomerTenantId = "0112A436-B14E-4888-967B-CA4BB2CF1234",
                CustomerName = "TEST COMPANY",
                ProductId = "45A2423B-E884-448D-A831-D9E139C52D2F",
                ProductName = "EXCHANGE ONLINE PROTECTION",
                LicensesActive = 0,
                LicensesQualified = 1,
            },
        };
    }
}
