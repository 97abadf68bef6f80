using System;
using System.Collections.Generic;
using System.Linq;

namespace PartnerCenterLicenses.Reporting
{
    /// <summary>
    /// The figures of the license report, gathered from whatever rows the cmdlet was given: licenses sold and
    /// deployed per customer and product (customer-level or commercial deployment, insights seats), usage per
    /// workload, and Partner Center's own prorated shares per service. Plain C#: no PowerShell type.
    /// </summary>
    /// <remarks>
    /// A row's undeployed licenses are its sold minus its deployed, never below 0: a customer that deployed
    /// more of one product than it bought does not hide the licenses unused in another.
    /// </remarks>
    internal sealed class LicenseReport
    {
        private readonly List<DeploymentRow> _deployment = new List<DeploymentRow>();
        private readonly List<UsageRow> _usage = new List<UsageRow>();
        private readonly List<ShareRow> _partnerDeployment = new List<ShareRow>();
        private readonly List<ShareRow> _partnerUsage = new List<ShareRow>();
        private readonly Dictionary<string, string> _customerNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<DeploymentRow> Deployment => _deployment;

        public IReadOnlyList<UsageRow> Usage => _usage;

        public IReadOnlyList<ShareRow> PartnerDeployment => _partnerDeployment;

        public IReadOnlyList<ShareRow> PartnerUsage => _partnerUsage;

        /// <summary>The latest processed date of any row, in UTC; null when no row carries one.</summary>
        public DateTimeOffset? ProcessedAt { get; private set; }

        public bool IsEmpty => _deployment.Count == 0 && _usage.Count == 0 && _partnerDeployment.Count == 0 && _partnerUsage.Count == 0;

        public long Sold => _deployment.Sum(r => r.Sold);

        public long Deployed => _deployment.Sum(r => r.Deployed);

        public long Undeployed => _deployment.Sum(r => r.Undeployed);

        public void AddDeployment(string customerId, string customerName, string product, string service, long sold, long deployed, DateTimeOffset? processed)
        {
            _deployment.Add(new DeploymentRow(Customer(customerId, customerName), product ?? string.Empty, service, sold, deployed));
            Processed(processed);
        }

        public void AddUsage(string customerId, string customerName, string product, string service, string workload, long active, long qualified, DateTimeOffset? processed)
        {
            _usage.Add(new UsageRow(Customer(customerId, customerName), product ?? string.Empty, service ?? string.Empty, workload ?? string.Empty, active, qualified));
            Processed(processed);
        }

        public void AddPartnerDeployment(string service, string channel, long sold, double fraction, DateTimeOffset processed)
        {
            _partnerDeployment.Add(new ShareRow(service ?? string.Empty, channel ?? string.Empty, null, sold, fraction));
            Processed(processed);
        }

        public void AddPartnerUsage(string service, string channel, string workload, double fraction, DateTimeOffset processed)
        {
            _partnerUsage.Add(new ShareRow(service ?? string.Empty, channel ?? string.Empty, workload ?? string.Empty, null, fraction));
            Processed(processed);
        }

        /// <summary>Customers, most undeployed licenses first (then by name).</summary>
        public IReadOnlyList<Group> Customers() => Groups(_deployment, r => r.Customer.Key, r => r.Customer.Name);

        /// <summary>Products, most undeployed licenses first (then by name).</summary>
        public IReadOnlyList<Group> Products() => Groups(_deployment, r => r.Product, r => r.Product);

        /// <summary>Services of the deployment rows that name one, most undeployed first.</summary>
        public IReadOnlyList<Group> Services() => Groups(_deployment.Where(r => !string.IsNullOrEmpty(r.Service)), r => r.Service, r => r.Service);

        /// <summary>Usage per service and workload, summed over customers and products, in name order.</summary>
        public IReadOnlyList<UsageGroup> Workloads() =>
            _usage.GroupBy(r => (r.Service.ToUpperInvariant(), r.Workload.ToUpperInvariant()))
                .Select(g => new UsageGroup(g.First().Service, g.First().Workload, g.Sum(r => r.Active), g.Sum(r => r.Qualified)))
                .OrderBy(g => g.Service, StringComparer.CurrentCultureIgnoreCase)
                .ThenBy(g => g.Workload, StringComparer.CurrentCultureIgnoreCase)
                .ToList();

        /// <summary>The customers named in the rows, each once, by tenant id where the rows carry one.</summary>
        public int CustomerCount => _customerNames.Count;

        private static IReadOnlyList<Group> Groups(IEnumerable<DeploymentRow> rows, Func<DeploymentRow, string> key, Func<DeploymentRow, string> name)
        {
            var groups = new Dictionary<string, Group>(StringComparer.OrdinalIgnoreCase);
            foreach (DeploymentRow row in rows)
            {
                string k = key(row) ?? string.Empty;
                if (!groups.TryGetValue(k, out Group group))
                {
                    group = new Group(name(row));
                    groups.Add(k, group);
                }

                group.Sold += row.Sold;
                group.Deployed += row.Deployed;
                group.Undeployed += row.Undeployed;
            }

            return groups.Values
                .OrderByDescending(g => g.Undeployed)
                .ThenBy(g => g.Name, StringComparer.CurrentCultureIgnoreCase)
                .ToList();
        }

        // One customer, one name: rows that carry the tenant id are grouped by it (two customers may share a
        // name); the first name seen for an id is the one shown.
        private CustomerRef Customer(string customerId, string customerName)
        {
            string key = string.IsNullOrEmpty(customerId) ? "name:" + (customerName ?? string.Empty) : "id:" + customerId.Trim('{', '}');
            if (!_customerNames.TryGetValue(key, out string name) || string.IsNullOrEmpty(name))
            {
                name = !string.IsNullOrEmpty(customerName) ? customerName : !string.IsNullOrEmpty(customerId) ? customerId : "(no customer named)";
                _customerNames[key] = name;
            }

            return new CustomerRef(key, name);
        }

        private void Processed(DateTimeOffset? processed)
        {
            if (processed != null && (ProcessedAt == null || processed.Value > ProcessedAt.Value))
            {
                ProcessedAt = processed.Value.ToUniversalTime();
            }
        }

        internal sealed class CustomerRef
        {
            public CustomerRef(string key, string name)
            {
                Key = key;
                Name = name;
            }

            public string Key { get; }

            public string Name { get; }
        }

        internal sealed class DeploymentRow
        {
            public DeploymentRow(CustomerRef customer, string product, string service, long sold, long deployed)
            {
                Customer = customer;
                Product = product;
                Service = service;
                Sold = sold;
                Deployed = deployed;
            }

            public CustomerRef Customer { get; }

            public string Product { get; }

            public string Service { get; }

            public long Sold { get; }

            public long Deployed { get; }

            public long Undeployed => Math.Max(0, Sold - Deployed);
        }

        internal sealed class UsageRow
        {
            public UsageRow(CustomerRef customer, string product, string service, string workload, long active, long qualified)
            {
                Customer = customer;
                Product = product;
                Service = service;
                Workload = workload;
                Active = active;
                Qualified = qualified;
            }

            public CustomerRef Customer { get; }

            public string Product { get; }

            public string Service { get; }

            public string Workload { get; }

            public long Active { get; }

            public long Qualified { get; }
        }

        internal sealed class ShareRow
        {
            public ShareRow(string service, string channel, string workload, long? sold, double fraction)
            {
                Service = service;
                Channel = channel;
                Workload = workload;
                Sold = sold;
                Fraction = fraction;
            }

            public string Service { get; }

            public string Channel { get; }

            public string Workload { get; }

            public long? Sold { get; }

            public double Fraction { get; }
        }

        internal sealed class Group
        {
            public Group(string name)
            {
                Name = name;
            }

            public string Name { get; }

            public long Sold { get; set; }

            public long Deployed { get; set; }

            public long Undeployed { get; set; }
        }

        internal sealed class UsageGroup
        {
            public UsageGroup(string service, string workload, long active, long qualified)
            {
                Service = service;
                Workload = workload;
                Active = active;
                Qualified = qualified;
            }

            public string Service { get; }

            public string Workload { get; }

            public long Active { get; }

            public long Qualified { get; }
        }
    }
}
