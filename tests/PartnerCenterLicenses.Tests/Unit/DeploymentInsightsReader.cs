using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The seed's resource read from one response, as the engine reads each page of it.</summary>
    internal static class DeploymentInsightsReader
    {
        /// <summary>The longest field the engine reads by default.</summary>
        public const int DefaultMaxFieldLength = PartnerCenterRequestOptions.DefaultMaxFieldLength;

        public static Task<CollectionReader<PartnerLicensesDeploymentInsights>> OpenAsync(
            HttpResponseMessage response, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log,
            int maxFieldLength = DefaultMaxFieldLength)
        {
            return CollectionReader<PartnerLicensesDeploymentInsights>.OpenAsync(
                response, requestScope, userCancellation, ids, log, maxFieldLength, PartnerLicensesDeploymentInsights.Resource);
        }
    }
}
