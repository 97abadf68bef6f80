using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends a request to any Partner Center REST API path through the current session.</para>
    /// <para type="description">Calls the connected Partner Center endpoint with the session's access token and the same headers,
    /// timeout, retries, throttling pause and error records as the module's other cmdlets, for the endpoints no cmdlet covers.
    /// -Path is a path under the endpoint, such as /v1/customers; a URL, another host, '..' segments or a query in the path are
    /// refused before anything is sent. Query parameters go in -Query, escaped.</para>
    /// <para type="description">When the answer is a collection (an 'items' or 'Value' array), each item is written as a
    /// PSCustomObject as soon as it is read; otherwise the whole body is written as one object, and an empty answer (such as
    /// 204 No Content) writes nothing. Nested objects are PSCustomObjects and arrays are object[]; dates stay strings as sent.
    /// Without -All only the first page is read (a verbose message says when more pages exist); with -All the next pages are
    /// read to the end, following links.next with its continuation token or @nextLink, only on the connected endpoint.</para>
    /// <para type="description">GET, PUT and DELETE are retried after throttling, server errors and timeouts as
    /// Set-PartnerCenterRequestOption allows; POST and PATCH only after 429 Too Many Requests, which says the request was not
    /// processed, so a request that changes something is never sent twice. A failure from Partner Center is a terminating error
    /// with Partner Center's code, description and MS-RequestId.</para>
    /// <para type="description">-WhatIf shows the request a method that changes state would send, and sends nothing. GET is
    /// never asked about. POST, PUT and PATCH are of Medium impact (asked with -Confirm or $ConfirmPreference = 'Medium');
    /// DELETE is of High impact, so with the default $ConfirmPreference (High) it asks before it is sent. Nothing can answer
    /// in a runbook, so pass -Confirm:$false there with DELETE.</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="List every customer">
    /// <code>Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 500 } -All | Select-Object id, @{ n = 'Name'; e = { $_.companyProfile.companyName } }</code>
    /// <para>Reads the customer list page after page with Partner Center's continuation token.</para>
    /// </example>
    /// <example title="Runbook: every customer's license deployment below 50%, exported to CSV">
    /// <code><![CDATA[
    /// Invoke-PartnerCenterRequest -Path /v1/customers -All |
    ///     Get-PartnerLicenseDeployment -ErrorAction Continue |
    ///     Where-Object DeploymentPercent -lt 0.5 |
    ///     Export-Csv -Path ./under-deployed.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Each customer's id binds to Get-PartnerLicenseDeployment -CustomerId by property name.</para>
    /// </example>
    /// <example title="Runbook: the customer list, to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 500 } -All |
    ///     Select-Object id, @{ n = 'Name'; e = { $_.companyProfile.companyName } }, @{ n = 'Domain'; e = { $_.companyProfile.domain } } |
    ///     Export-Csv -Path ./customers.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Every page of customers is read and exported; a failure from Partner Center ends the runbook with its code and
    /// MS-RequestId in the message.</para>
    /// </example>
    /// <example title="Create a customer">
    /// <code><![CDATA[
    /// $customer = Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{
    ///     companyProfile = @{ domain = 'fabrikam.onmicrosoft.com' }
    ///     billingProfile = @{ companyName = 'Fabrikam'; email = 'admin@fabrikam.example'; culture = 'en-US'; language = 'en' }
    /// }
    /// $customer.id
    /// ]]></code>
    /// </example>
    /// <example title="Delete without being asked, in a runbook">
    /// <code><![CDATA[
    /// Invoke-PartnerCenterRequest -Method DELETE -Path "/v1/customers/$customerId/carts/$cartId" -Confirm:$false
    /// Invoke-PartnerCenterRequest -Method DELETE -Path "/v1/customers/$customerId/carts/$cartId" -WhatIf   # sends nothing
    /// ]]></code>
    /// <para>DELETE is of High impact: without -Confirm:$false it asks first, which fails where nothing can answer.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "PartnerCenterRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpPages.Base + "Invoke-PartnerCenterRequest.md")]
    [OutputType(typeof(PSObject))]
    public sealed class InvokePartnerCenterRequestCommand : PartnerCenterCmdlet
    {
        /// <summary>
        /// <para type="description">The path under the connected Partner Center endpoint, such as /v1/customers or
        /// /v1/customers/{customer-id}/subscriptions. Not a URL: a scheme or host, '..' or '.' segments, backslashes, a query
        /// ('?') or a fragment ('#') are refused. Escape characters a path segment needs, for example %20.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The HTTP method: GET (the default), POST, PUT, PATCH or DELETE.</para>
        /// </summary>
        [Parameter(Position = 1)]
        [ValidateSet("GET", "POST", "PUT", "PATCH", "DELETE", IgnoreCase = true)]
        public string Method { get; set; } = "GET";

        /// <summary>
        /// <para type="description">The request body, sent as JSON (Content-Type application/json). A string is sent as it is,
        /// so pass JSON text or the output of ConvertTo-Json; a hashtable ([ordered] keeps its order), PSCustomObject, array or
        /// plain value is written as JSON (dates in ISO 8601). Not allowed with GET.</para>
        /// </summary>
        [Parameter]
        public object Body { get; set; }

        /// <summary>
        /// <para type="description">Query parameters, such as @{ size = 100 }. Names and values are escaped, so any text can be
        /// passed; an array value repeats the parameter once per element.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary Query { get; set; }

        /// <summary>
        /// <para type="description">Reads every page of a collection: follows links.next (with its MS-ContinuationToken) and
        /// @nextLink to the end. A next page on any other host or scheme than the connected endpoint is refused with
        /// PartnerCenter.InvalidResponse and nothing is sent there.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        private bool _yesToAll;
        private bool _noToAll;

        /// <summary>Checks every parameter, then sends the request and writes what it answers.</summary>
        protected override void ProcessRecord()
        {
            ResourceRequest<object> request = CheckedRequest();
            if (!Approved(Method.ToUpperInvariant()))
            {
                return;
            }

            using (IItemStream<object> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                WriteAll(stream);
            }
        }

        // A GET changes nothing and is never asked about. POST, PUT and PATCH change state: the cmdlet's
        // ConfirmImpact (Medium) applies, so -WhatIf, -Confirm and $ConfirmPreference = 'Medium' ask.
        // A DELETE is High: ConfirmImpact is one per cmdlet, so with the default $ConfirmPreference (High),
        // which ShouldProcess leaves alone for a Medium cmdlet, the DELETE asks itself, as a High cmdlet
        // would. -Confirm:$false (or $ConfirmPreference = 'None') sends it without asking.
        private bool Approved(string method)
        {
            if (method == "GET")
            {
                return true;
            }

            string target = Path + (Query != null && Query.Count > 0 ? " (with -Query)" : string.Empty);
            if (!ShouldProcess(target, method))
            {
                return false;
            }

            if (method != "DELETE" || MyInvocation.BoundParameters.ContainsKey("Confirm") || ConfirmPreference() != ConfirmImpact.High)
            {
                return true;
            }

            return ShouldContinue(
                "Send DELETE " + target + " to Partner Center? It removes what the path names.",
                "Confirm",
                ref _yesToAll,
                ref _noToAll);
        }

        private ConfirmImpact ConfirmPreference()
        {
            try
            {
                return LanguagePrimitives.ConvertTo<ConfirmImpact>(GetVariableValue("ConfirmPreference") ?? ConfirmImpact.High);
            }
            catch (PSInvalidCastException)
            {
                return ConfirmImpact.High;
            }
        }

        // Everything the user gave, checked once, before anything is sent.
        private ResourceRequest<object> CheckedRequest()
        {
            // ValidateSet has already refused any other method, in any case.
            string method = Method.ToUpperInvariant();
            try
            {
                PartnerCenterPath path = PartnerCenterPath.Parse(Path);
                if (Body != null && method == "GET")
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.InvalidArgument,
                        PartnerCenterErrorKind.InvalidArgument,
                        "-Body cannot be sent with GET. Nothing was sent.")
                    {
                        RecommendedAction = "Pass query parameters with -Query, or choose the method the endpoint documents with -Method.",
                    };
                }

                return JsonObjects.AnyResource.Request()
                    .To(method, path, Body == null ? null : JsonObjects.FromPowerShell(Body), All.IsPresent)
                    .With(QueryParameters(Query));
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e);
                return null;
            }
        }

        private static IReadOnlyList<KeyValuePair<string, string>> QueryParameters(IDictionary query)
        {
            var parameters = new List<KeyValuePair<string, string>>();
            if (query == null)
            {
                return parameters;
            }

            foreach (DictionaryEntry entry in query)
            {
                string name = QueryText(entry.Key);
                if (string.IsNullOrEmpty(name))
                {
                    throw new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                        "-Query has a parameter without a name. Nothing was sent.");
                }

                object value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                if (value is IEnumerable values && !(value is string))
                {
                    foreach (object item in values)
                    {
                        parameters.Add(new KeyValuePair<string, string>(name, QueryText(item)));
                    }
                }
                else
                {
                    parameters.Add(new KeyValuePair<string, string>(name, QueryText(value)));
                }
            }

            return parameters;
        }

        // The text of one query value: culture-free, dates in ISO 8601, booleans as JSON writes them.
        private static string QueryText(object value)
        {
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (value)
            {
                case null:
                    return string.Empty;
                case string text:
                    return text;
                case bool flag:
                    return flag ? "true" : "false";
                case DateTime date:
                    return date.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset date:
                    return date.ToString("o", CultureInfo.InvariantCulture);
                case IFormattable formattable:
                    return formattable.ToString(null, CultureInfo.InvariantCulture);
                default:
                    return value.ToString();
            }
        }
    }
}
