using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// The Partner Center data beyond the partner-level deployment insights: partner-level usage, customers
    /// and their analytics, the commercial (superseding) analytics API, and how every Partner Center answer
    /// is delivered (latency, byte order mark) and counted (peak concurrency).
    /// </summary>
    public sealed partial class EmulatorState
    {
        /// <summary>
        /// Id (and tenant id) of the customer the emulator has a relationship with from the start: the id in
        /// the documented requests of the customer-level analytics.
        /// </summary>
        public const string DefaultCustomerId = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";

        /// <summary>Company name of <see cref="DefaultCustomerId"/>, as in the documented customer-level examples.</summary>
        public const string DefaultCustomerName = "DT DEMO CSP CUSTOMER 005";

        /// <summary>Domain of <see cref="DefaultCustomerId"/>.</summary>
        public const string DefaultCustomerDomain = "dtdemocspcustomer005.onmicrosoft.com";

        /// <summary>Largest (and default) <c>top</c> of the commercial analytics API, as documented.</summary>
        public const int CommercialMaxTop = 10000;

        /// <summary>The documented example body of <c>GET /v1/analytics/licenses/usage</c>.</summary>
        public const string DefaultLicenseUsageJson = """
            {
                "totalCount": 5,
                "items": [{
                        "proratedLicensesUsagePercent": 0.0,
                        "workloadName": "Microsoft Dynamics CRM",
                        "processedDateTime": "2017-03-10T00:00:00+00:00",
                        "serviceName": "crm",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesUsageInsights"
                        }
                    }, {
                        "proratedLicensesUsagePercent": 0.0,
                        "workloadName": "SharePoint",
                        "processedDateTime": "2017-03-10T00:00:00+00:00",
                        "serviceName": "crm",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesUsageInsights"
                        }
                    }, {
                        "proratedLicensesUsagePercent": 0.0,
                        "workloadName": "Exchange",
                        "processedDateTime": "2017-03-09T00:00:00+00:00",
                        "serviceName": "o365",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesUsageInsights"
                        }
                    }, {
                        "proratedLicensesUsagePercent": 0.0,
                        "workloadName": "SharePoint",
                        "processedDateTime": "2017-03-09T00:00:00+00:00",
                        "serviceName": "o365",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesUsageInsights"
                        }
                    }, {
                        "proratedLicensesUsagePercent": 0.0,
                        "workloadName": "Skype For Business",
                        "processedDateTime": "2017-03-09T00:00:00+00:00",
                        "serviceName": "o365",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesUsageInsights"
                        }
                    }
                ],
                "attributes": {
                    "objectType": "Collection"
                }
            }
            """;

        /// <summary>
        /// The documented example of the commercial usage API, with its spelling <c>licenseActive</c> (the
        /// service's rows, and this emulator's, say <c>licensesActive</c>). The published example is also
        /// cut short (the <c>Value</c> array is never closed, and <c>@nextLink</c> and <c>TotalCount</c> are
        /// missing); this copy closes it the way the deployment example does, so it parses. Serve it with
        /// <see cref="SetCommercialJson"/>.
        /// </summary>
        public const string DocumentedCommercialUsageExampleJson = """
            {
            "Value": [
                {
                  "processedDateTime": "2018-10-14T00:00:00",
                  "workloadCode": "SPO",
                  "workloadName": "SharePoint",
                  "serviceCode": "o365",
                  "serviceName": "Microsoft Office 365",
                  "channel": "reseller",
                  "customerTenantId": "0112A436-B14E-4888-967B-CA4BB2CF1234",
                  "customerName": "TEST COMPANY",
                  "productId": "6FD2C87F-B296-42F0-B197-1E91E994B900",
                  "productName": "OFFICE 365 ENTERPRISE E3",
                  "licenseActive": 0,
                  "licensesQualified": 1
                },
                {
                  "processedDateTime": "2018-10-14T00:00:00",
                  "workloadCode": "EXO",
                  "workloadName": "Exchange",
                  "serviceCode": "o365",
                  "serviceName": "Microsoft Office 365",
                  "channel": "reseller",
                  "customerTenantId": "0112A436-B14E-4888-967B-CA4BB2CF1234",
                  "customerName": "TEST COMPANY",
                  "productId": "45A2423B-E884-448D-A831-D9E139C52D2F",
                  "productName": "EXCHANGE ONLINE PROTECTION",
                  "licenseActive": 0,
                  "licensesQualified": 1
                }
            ],
              "@nextLink": null,
              "TotalCount": 2
            }
            """;

        private readonly List<PartnerCustomer> _customers = new List<PartnerCustomer>();
        private readonly Dictionary<string, PartnerCustomer> _customersById = new Dictionary<string, PartnerCustomer>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, int> _continuationTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        private string _licenseUsageJson = DefaultLicenseUsageJson;
        private CommercialRowSource _commercialDeploymentRows = CommercialRowSource.Documented(CommercialResource.Deployment);
        private CommercialRowSource _commercialUsageRows = CommercialRowSource.Documented(CommercialResource.Usage);
        private string _commercialDeploymentJson;
        private string _commercialUsageJson;
        private int? _commercialPageSize;
        private bool _commercialRelativeNextLink;
        private int? _nextLinkCycleAfterPage;
        private TimeSpan _partnerCenterLatency;
        private int? _customerPageSize;
        private int? _throttleEvery;
        private TimeSpan _throttleRetryAfter = TimeSpan.FromSeconds(1);
        private long _throttleCounted;
        private bool _byteOrderMark = true;
        private int _generatedCustomerCount;
        private int _inFlight;
        private int _peakConcurrentRequests;

        /// <summary>
        /// Raw JSON served by <c>GET /v1/analytics/licenses/usage</c>; defaults to
        /// <see cref="DefaultLicenseUsageJson"/>. Served as-is, so invalid JSON can be set on purpose.
        /// </summary>
        public string LicenseUsageJson
        {
            get { lock (_gate) { return _licenseUsageJson; } }
            set
            {
                ArgumentNullException.ThrowIfNull(value);
                lock (_gate) { _licenseUsageJson = value; }
            }
        }

        /// <summary>
        /// When set, every page of the commercial analytics API has this many rows (the last one fewer),
        /// whatever <c>top</c> asks for, as a service that pages its own way would; null (the default) means
        /// pages of <c>top</c> rows. <c>@nextLink</c> still carries the client's <c>top</c>.
        /// </summary>
        public int? CommercialPageSize
        {
            get { lock (_gate) { return _commercialPageSize; } }
            set
            {
                if (value != null && value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "A page has at least one row.");
                }

                lock (_gate) { _commercialPageSize = value; }
            }
        }

        /// <summary>
        /// False (the default): <c>@nextLink</c> is absolute, on the origin the request was sent to
        /// (<c>https://127.0.0.1:port/partner/v1/...</c>). True: it is a path and query only (<c>/partner/v1/...</c>).
        /// </summary>
        public bool CommercialRelativeNextLink
        {
            get { lock (_gate) { return _commercialRelativeNextLink; } }
            set { lock (_gate) { _commercialRelativeNextLink = value; } }
        }

        /// <summary>
        /// A broken server's paging: when set to N, page N of the customer list (<c>GET /v1/customers</c>) and of the
        /// commercial analytics API links its next page back to page 1 (the customer list's first URL with no
        /// continuation token; the commercial API's request without <c>skip</c>), so a client that follows every next
        /// link never ends. Null (the default) pages normally. Page numbers assume full pages (N = offset / size + 1).
        /// </summary>
        public int? NextLinkCycleAfterPage
        {
            get { lock (_gate) { return _nextLinkCycleAfterPage; } }
            set
            {
                if (value != null && value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Pages are numbered from 1.");
                }

                lock (_gate) { _nextLinkCycleAfterPage = value; }
            }
        }

        /// <summary>
        /// When set, the largest page of the customer list (<c>GET /v1/customers</c>), whatever <c>size</c> the
        /// client asks for, as <see cref="CommercialPageSize"/> is for the commercial analytics API; null (the
        /// default) serves the requested size up to 500. The next link carries the size actually served.
        /// </summary>
        public int? CustomerPageSize
        {
            get { lock (_gate) { return _customerPageSize; } }
            set
            {
                if (value != null && value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "A page has at least one customer.");
                }

                lock (_gate) { _customerPageSize = value; }
            }
        }

        /// <summary>
        /// When set to N, every Nth Partner Center request (Entra's endpoints not counted; the Nth, 2Nth, ...
        /// since this was set) is answered 429 Too Many Requests with <c>Retry-After</c> of
        /// <see cref="ThrottleRetryAfter"/>, before any other handling; null (the default) never throttles.
        /// Scripted faults for the request's path are served first and are not counted.
        /// </summary>
        public int? ThrottleEvery
        {
            get { lock (_gate) { return _throttleEvery; } }
            set
            {
                if (value != null && value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Throttle every 1st, 2nd, ... request.");
                }

                lock (_gate)
                {
                    _throttleEvery = value;
                    _throttleCounted = 0;
                }
            }
        }

        /// <summary>The <c>Retry-After</c> of a <see cref="ThrottleEvery"/> answer, sent in whole seconds (rounded up); one second by default.</summary>
        public TimeSpan ThrottleRetryAfter
        {
            get { lock (_gate) { return _throttleRetryAfter; } }
            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Retry-After cannot be negative.");
                }

                lock (_gate) { _throttleRetryAfter = value; }
            }
        }

        /// <summary>Counts a Partner Center request against <see cref="ThrottleEvery"/>; the 429 to answer it with when it is the Nth.</summary>
        internal EmulatorFault NextThrottle()
        {
            lock (_gate)
            {
                if (_throttleEvery is not int every || ++_throttleCounted % every != 0)
                {
                    return null;
                }

                // Partner Center answers a throttled request 429 with Retry-After:
                // https://learn.microsoft.com/partner-center/developer/api-throttling-guidance
                return EmulatorFault.Status(429, """{"code":429,"description":"Rate limit is exceeded.","errorName":"TooManyRequests"}""")
                    .WithRetryAfter(_throttleRetryAfter);
            }
        }

        /// <summary>
        /// How long every Partner Center request (anything but the Entra endpoints) waits before it is
        /// answered, scripted responses included; zero by default. A client that gives up ends the wait.
        /// </summary>
        public TimeSpan PartnerCenterLatency
        {
            get { lock (_gate) { return _partnerCenterLatency; } }
            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The latency cannot be negative.");
                }

                lock (_gate) { _partnerCenterLatency = value; }
            }
        }

        /// <summary>
        /// True (the default): every JSON body on the Partner Center side (success, error and scripted
        /// bodies) starts with the UTF-8 byte order mark EF BB BF, as the live service's do. Entra's
        /// endpoints never send one.
        /// </summary>
        public bool ByteOrderMark
        {
            get { lock (_gate) { return _byteOrderMark; } }
            set { lock (_gate) { _byteOrderMark = value; } }
        }

        /// <summary>
        /// The most Partner Center requests (Entra's endpoints not counted) that were in flight at once, from
        /// arrival to the end of the response, since start or the last <see cref="ClearRecords"/>.
        /// </summary>
        public int PeakConcurrentRequests => Volatile.Read(ref _peakConcurrentRequests);

        /// <summary>
        /// Adds a customer the partner has a reseller relationship with: it is listed by <c>GET /v1/customers</c>
        /// and its analytics (<c>/v1/customers/{id}/analytics/licenses/...</c>) serve the documented example's
        /// rows with its id and name.
        /// </summary>
        /// <param name="customerId">The customer's (tenant) id, a GUID.</param>
        /// <param name="companyName">The customer's company name.</param>
        /// <param name="domain">Its domain; by default made from the company name, e.g. <c>fabrikam.onmicrosoft.com</c>.</param>
        /// <exception cref="ArgumentException">The id is not a GUID, or the name is empty.</exception>
        /// <exception cref="InvalidOperationException">A customer with this id exists already.</exception>
        public void AddCustomer(string customerId, string companyName, string domain = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(companyName);
            if (!Guid.TryParse(customerId, out Guid id))
            {
                throw new ArgumentException("The customer id must be a GUID.", nameof(customerId));
            }

            lock (_gate)
            {
                string key = id.ToString("D");
                if (_customersById.ContainsKey(key))
                {
                    throw new InvalidOperationException($"Customer '{key}' exists already.");
                }

                AddCustomerLocked(key, companyName, string.IsNullOrWhiteSpace(domain) ? DomainFor(companyName, key) : domain);
            }
        }

        /// <summary>
        /// Adds <paramref name="count"/> generated customers (ids and names numbered from the number already
        /// generated, so calls add up), for benches that need many.
        /// </summary>
        public void AddCustomers(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            lock (_gate)
            {
                for (int added = 0; added < count;)
                {
                    long number = ++_generatedCustomerCount;
                    string id = string.Create(CultureInfo.InvariantCulture, $"{number:x8}-c057-4000-8000-{number:x12}");
                    if (_customersById.ContainsKey(id))
                    {
                        continue;
                    }

                    string name = "Generated Customer " + number.ToString("D6", CultureInfo.InvariantCulture);
                    AddCustomerLocked(id, name, string.Create(CultureInfo.InvariantCulture, $"generatedcustomer{number:D6}.onmicrosoft.com"));
                    added++;
                }
            }
        }

        /// <summary>
        /// Serves <paramref name="json"/> as-is for one customer's <c>deployment</c> or <c>usage</c> analytics
        /// (null goes back to the documented rows).
        /// </summary>
        /// <param name="customerId">A customer added before (or <see cref="DefaultCustomerId"/>).</param>
        /// <param name="resource"><c>deployment</c> or <c>usage</c>.</param>
        /// <param name="json">The raw body.</param>
        /// <exception cref="ArgumentException">Unknown customer or resource.</exception>
        public void SetCustomerAnalyticsJson(string customerId, string resource, string json)
        {
            CommercialResource which = ParseResource(resource);
            lock (_gate)
            {
                if (!Guid.TryParse(customerId, out Guid id) || !_customersById.TryGetValue(id.ToString("D"), out PartnerCustomer customer))
                {
                    throw new ArgumentException($"'{customerId}' is not a customer of the emulator; add it with AddCustomer first.", nameof(customerId));
                }

                if (which == CommercialResource.Deployment)
                {
                    customer.DeploymentJson = json;
                }
                else
                {
                    customer.UsageJson = json;
                }
            }
        }

        /// <summary>
        /// Makes the commercial analytics API serve <paramref name="count"/> generated rows for
        /// <paramref name="resource"/> instead of the documented example's: row i has its own customer
        /// (<c>customerTenantId</c> <c>{i+1:x8}-c0de-4000-8000-{i+1:x12}</c>, name <c>GENERATED CUSTOMER {i+1:D6}</c>)
        /// and the same values on every run. Rows are made as pages are written, so large counts are cheap.
        /// </summary>
        /// <param name="resource"><c>deployment</c> or <c>usage</c>.</param>
        /// <param name="count">Number of rows, zero or more.</param>
        public void SetCommercialRows(string resource, int count)
        {
            CommercialResource which = ParseResource(resource);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            var rows = CommercialRowSource.Generated(which, count);
            lock (_gate)
            {
                if (which == CommercialResource.Deployment)
                {
                    _commercialDeploymentRows = rows;
                    _commercialDeploymentJson = null;
                }
                else
                {
                    _commercialUsageRows = rows;
                    _commercialUsageJson = null;
                }
            }
        }

        /// <summary>
        /// Serves <paramref name="json"/> as-is for every request of one commercial analytics resource (after
        /// the token and query checks); null goes back to the rows.
        /// </summary>
        /// <param name="resource"><c>deployment</c> or <c>usage</c>.</param>
        /// <param name="json">The raw body, e.g. <see cref="DocumentedCommercialUsageExampleJson"/>.</param>
        public void SetCommercialJson(string resource, string json)
        {
            CommercialResource which = ParseResource(resource);
            lock (_gate)
            {
                if (which == CommercialResource.Deployment)
                {
                    _commercialDeploymentJson = json;
                }
                else
                {
                    _commercialUsageJson = json;
                }
            }
        }

        /// <summary>
        /// Puts all Partner Center data and delivery settings back to their defaults: the documented bodies,
        /// only the default customer, the documented commercial rows, pages of <c>top</c>, absolute next links that never cycle,
        /// no latency, the byte order mark on, and a zero <see cref="PeakConcurrentRequests"/>.
        /// </summary>
        public void ResetPartnerCenterData()
        {
            lock (_gate)
            {
                _deploymentInsightsJson = DefaultDeploymentInsightsJson;
                _licenseUsageJson = DefaultLicenseUsageJson;
                _customers.Clear();
                _customersById.Clear();
                _continuationTokens.Clear();
                _generatedCustomerCount = 0;
                AddCustomerLocked(DefaultCustomerId, DefaultCustomerName, DefaultCustomerDomain);
                _commercialDeploymentRows = CommercialRowSource.Documented(CommercialResource.Deployment);
                _commercialUsageRows = CommercialRowSource.Documented(CommercialResource.Usage);
                _commercialDeploymentJson = null;
                _commercialUsageJson = null;
                _commercialPageSize = null;
                _commercialRelativeNextLink = false;
                _nextLinkCycleAfterPage = null;
                _partnerCenterLatency = TimeSpan.Zero;
                _customerPageSize = null;
                _throttleEvery = null;
                _throttleRetryAfter = TimeSpan.FromSeconds(1);
                _throttleCounted = 0;
                _byteOrderMark = true;
                ResetInsightsLocked();
                ResetPeakConcurrency();
            }
        }

        internal PartnerCustomer FindCustomer(string customerId)
        {
            lock (_gate)
            {
                return _customersById.TryGetValue(customerId, out PartnerCustomer customer) ? customer : null;
            }
        }

        /// <summary>A page of the customer list and the total, read under one lock.</summary>
        internal (IReadOnlyList<PartnerCustomer> Page, int Total) CustomerPage(int offset, int size)
        {
            lock (_gate)
            {
                int total = _customers.Count;
                int start = Math.Min(offset, total);
                return (_customers.GetRange(start, Math.Min(size, total - start)), total);
            }
        }

        /// <summary>Registers a customer created through <c>POST /v1/customers</c>; returns it.</summary>
        internal PartnerCustomer CreateCustomer(string companyName, string domain)
        {
            lock (_gate)
            {
                return AddCustomerLocked(Guid.NewGuid().ToString("D"), companyName, domain);
            }
        }

        /// <summary>An opaque token standing for "the customer list from <paramref name="offset"/> on".</summary>
        internal string IssueContinuationToken(int offset)
        {
            string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
            lock (_gate)
            {
                _continuationTokens[token] = offset;
            }

            return token;
        }

        internal int? RedeemContinuationToken(string token)
        {
            lock (_gate)
            {
                return token != null && _continuationTokens.TryGetValue(token, out int offset) ? offset : null;
            }
        }

        /// <summary>What the commercial API serves for one resource: a raw body, or else rows.</summary>
        internal (string Json, CommercialRowSource Rows, int? PageSize, bool RelativeNextLink) CommercialData(CommercialResource resource)
        {
            lock (_gate)
            {
                return resource == CommercialResource.Deployment
                    ? (_commercialDeploymentJson, _commercialDeploymentRows, _commercialPageSize, _commercialRelativeNextLink)
                    : (_commercialUsageJson, _commercialUsageRows, _commercialPageSize, _commercialRelativeNextLink);
            }
        }

        /// <summary>Counts a Partner Center request in; the peak is kept without taking the lock.</summary>
        internal void PartnerCenterRequestStarted()
        {
            int now = Interlocked.Increment(ref _inFlight);
            int peak = Volatile.Read(ref _peakConcurrentRequests);
            while (now > peak)
            {
                int seen = Interlocked.CompareExchange(ref _peakConcurrentRequests, now, peak);
                if (seen == peak)
                {
                    break;
                }

                peak = seen;
            }
        }

        internal void PartnerCenterRequestEnded() => Interlocked.Decrement(ref _inFlight);

        /// <summary>Starts the peak again from the requests in flight now.</summary>
        private void ResetPeakConcurrency() => Volatile.Write(ref _peakConcurrentRequests, Volatile.Read(ref _inFlight));

        private static CommercialResource ParseResource(string resource) => resource?.ToLowerInvariant() switch
        {
            "deployment" => CommercialResource.Deployment,
            "usage" => CommercialResource.Usage,
            _ => throw new ArgumentException("The resource is 'deployment' or 'usage'.", nameof(resource)),
        };

        private PartnerCustomer AddCustomerLocked(string id, string companyName, string domain)
        {
            var customer = new PartnerCustomer(id, companyName, domain);
            _customers.Add(customer);
            _customersById.Add(id, customer);
            return customer;
        }

        /// <summary>An onmicrosoft.com domain from the letters and digits of a company name (the id's when it has none).</summary>
        private static string DomainFor(string companyName, string id)
        {
            var prefix = new StringBuilder();
            foreach (char c in companyName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit))
            {
                prefix.Append(c);
            }

            return (prefix.Length > 0 ? prefix.ToString() : id.Replace("-", string.Empty, StringComparison.Ordinal)) + ".onmicrosoft.com";
        }
    }
}
