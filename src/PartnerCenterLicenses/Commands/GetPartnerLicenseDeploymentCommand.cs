using System;
using System.Globalization;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets how many of the licenses the partner sold are deployed, per service and channel.</para>
    /// <para type="description">Calls Partner Center's GET /v1/analytics/licenses/deployment, aggregated over all customers,
    /// and writes one PartnerLicensesDeploymentInsights object per service and channel as the response is read.
    /// Needs a session opened with App+User credentials (Connect-PartnerCenter).</para>
    /// <para type="description">Transient failures are retried as Set-PartnerCenterRequestOption says; every failure ends
    /// the cmdlet with an error record whose id starts with PartnerCenter. (for example PartnerCenter.NotConnected or
    /// PartnerCenter.Throttled), so try/catch works in runbooks.</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// </summary>
    /// <example title="Show the deployment of every service and channel">
    /// <code>Get-PartnerLicenseDeployment | Format-Table</code>
    /// <para>One row per service (such as o365 or crm) and channel, with LicensesSold, ProratedDeploymentPercent and
    /// ProcessedDateTime.</para>
    /// </example>
    /// <example title="Export the under-deployed services">
    /// <code><![CDATA[
    /// Get-PartnerLicenseDeployment |
    ///     Where-Object ProratedDeploymentPercent -lt 0.8 |
    ///     Export-Csv -Path ./under-deployed.csv -NoTypeInformation
    /// ]]></code>
    /// <para>ProratedDeploymentPercent is a fraction: 0.8 is 80 percent.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerLicenseDeployment")]
    [OutputType(typeof(PartnerLicensesDeploymentInsights))]
    public sealed class GetPartnerLicenseDeploymentCommand : PartnerCenterCmdlet
    {
        /// <summary>Sends the request and writes the insights as they arrive.</summary>
        protected override void ProcessRecord()
        {
            IPartnerCenterEngine engine = Engine;
            if (engine.CurrentContext == null)
            {
                ThrowTerminating(PartnerCenterErrors.NotConnected());
            }

            var call = new CmdletCall(Guid.NewGuid(), PartnerCenterLocale());
            using (IItemReader<PartnerLicensesDeploymentInsights> reader = Await(engine.OpenAsync(Resources.PartnerLicenseDeployment(), call, Log, StopToken)))
            {
                while (true)
                {
                    PartnerLicensesDeploymentInsights item;
                    bool read;
                    try
                    {
                        read = reader.TryReadNext(out item);
                    }
                    catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
                    {
                        throw new PipelineStoppedException();
                    }
                    catch (PartnerCenterException e)
                    {
                        ThrowTerminating(e);
                        return;
                    }

                    FlushLog();
                    if (!read)
                    {
                        break;
                    }

                    WriteObject(item);
                }
            }
        }

        // Partner Center localizes its messages by X-Locale; send the user's UI culture when it is
        // a specific culture, and the service's default otherwise (the invariant culture on Linux).
        private static string PartnerCenterLocale()
        {
            CultureInfo culture = CultureInfo.CurrentUICulture;
            return culture.IsNeutralCulture || string.IsNullOrEmpty(culture.Name) ? "en-US" : culture.Name;
        }
    }
}
