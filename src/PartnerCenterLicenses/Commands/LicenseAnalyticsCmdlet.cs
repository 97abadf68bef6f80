using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What Get-PartnerLicenseDeployment and Get-PartnerLicenseUsage share: the partner-level call
    /// without -CustomerId, and with it a bounded fan-out over the customers given by argument or
    /// pipeline, each customer's items written together as soon as its answer is read.
    /// </summary>
    /// <typeparam name="TPartner">The partner-level resource's objects.</typeparam>
    /// <typeparam name="TCustomer">The customer-level resource's objects.</typeparam>
    public abstract class LicenseAnalyticsCmdlet<TPartner, TCustomer> : PartnerCenterCmdlet
    {
        internal const string PartnerSet = "Partner";
        internal const string CustomerSet = "Customer";

        private const int ProgressActivityId = 0x5043;
        private CustomerFanOut<TCustomer> _customers;
        private CmdletCall _call;
        private Task<bool> _next;
        private bool _inputEnded;
        private bool _progressShown;

        /// <summary>
        /// <para type="description">The customers to read, by tenant id (a GUID; braces allowed). Takes strings
        /// from the pipeline (Get-Content ids.txt) and objects with a CustomerId, CustomerTenantId, TenantId or Id
        /// property, such as the customers Invoke-PartnerCenterRequest -Path /v1/customers -All writes. Without it,
        /// the partner's totals over all customers are read.</para>
        /// </summary>
        [Parameter(ParameterSetName = CustomerSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CustomerTenantId", "TenantId", "Id")]
        [ValidateNotNullOrEmpty]
        [ValidateCustomerId]
        public string[] CustomerId { get; set; }

        /// <summary>
        /// <para type="description">The most customers read at the same time, 1 to 64 (default 8). Partner Center
        /// throttles per partner: a throttled request holds every other one back until its Retry-After has passed.</para>
        /// </summary>
        /// <value>8</value>
        [Parameter(ParameterSetName = CustomerSet)]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 8;

        /// <summary>What the progress bar says the cmdlet is reading, for example "license deployment".</summary>
        internal abstract string Subject { get; }

        /// <summary>Holds the session for the invocation (PartnerCenter.NotConnected when there is none) and starts its one correlation id.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _ = Session;
            _call = NewCall();
        }

        /// <summary>Reads the partner's totals, or adds this input's customers to the fan-out and writes those already read.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName != CustomerSet)
            {
                using (IItemStream<TPartner> stream = Session.Read(PartnerResource.Request(), _call, Log, StopToken))
                {
                    WriteAll(stream);
                }

                return;
            }

            if (_customers == null)
            {
                // Each customer's small body is read whole before it is parsed, without holding a thread.
                ISessionLease session = Session;
                _customers = new CustomerFanOut<TCustomer>(
                    ThrottleLimit, (id, cancel) => session.Read(CustomerResource.Request(id).AsBuffered(), _call, Log, cancel), StopToken)
                {
                    // The first error will end the command: stop starting customers when it happens, not
                    // when the pipeline thread gets round to writing it.
                    StopAtFirstFailure = ErrorsStop,
                };
            }

            foreach (string id in CustomerId)
            {
                _customers.Add(Boundary.CustomerId.TryParse(id).Value);
            }

            WriteFinished();
        }

        /// <summary>Waits for the customers still being read, writing each as it finishes.</summary>
        protected override void EndProcessing()
        {
            if (_customers != null)
            {
                _customers.Complete();
                _inputEnded = true;
                WriteFinished();
                if (_progressShown)
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, "Reading " + Subject, "Done") { RecordType = ProgressRecordType.Completed });
                }
            }
        }

        /// <summary>Cancels the reads still in flight when the cmdlet ends early (an error with -ErrorAction Stop, Ctrl+C).</summary>
        protected override void StopProcessing()
        {
            base.StopProcessing();
            _customers?.Dispose();
        }

        /// <summary>The resource read without -CustomerId.</summary>
        internal abstract PartnerCenterResource<TPartner> PartnerResource { get; }

        /// <summary>The resource read for each customer.</summary>
        internal abstract PartnerCenterResource<TCustomer> CustomerResource { get; }

        internal override void OnDispose()
        {
            _customers?.Dispose();
        }

        // Writes the customers that have finished; once the input is complete, waits for the rest.
        // Ending input first lets a finished customer be taken without waiting.
        private void WriteFinished()
        {
            bool totalKnown = !MyInvocation.ExpectingInput;
            while (true)
            {
                if (_next == null)
                {
                    _next = _customers.MoveNextAsync();
                }

                if (!_next.IsCompleted && !_inputEnded)
                {
                    // More input may come: take it, and come back for this customer then.
                    break;
                }

                Task<bool> next = _next;
                _next = null;
                if (!Await(next))
                {
                    break;
                }

                WriteCustomer(_customers.Current);
                if (_customers.Added > 1)
                {
                    _progressShown = true;
                    int done = _customers.Taken;
                    var progress = totalKnown
                        ? new ProgressRecord(ProgressActivityId, "Reading " + Subject, done + " of " + _customers.Added + " customers")
                        {
                            PercentComplete = (int)(100L * done / _customers.Added),
                        }
                        : new ProgressRecord(ProgressActivityId, "Reading " + Subject, done + " customers so far");
                    WriteProgress(progress);
                }
            }

            FlushLog();
        }

        private void WriteCustomer(CustomerResult<TCustomer> result)
        {
            if (result.Failure != null)
            {
                // One customer's failure is reported and the others go on; with -ErrorAction Stop the
                // fan-out has already stopped and cancelled the rest, and writing it ends the cmdlet.
                string customer = result.Customer.ToString();
                PartnerCenterException named = result.Failure.WithMessage("Customer " + customer + ": " + result.Failure.Message);
                WriteError(ToErrorRecord(named, customer));
                return;
            }

            foreach (TCustomer item in result.Items)
            {
                WriteObject(item);
            }
        }
    }
}
