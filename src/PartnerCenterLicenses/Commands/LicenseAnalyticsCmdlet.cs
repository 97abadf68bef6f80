using System;
using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What Get-PartnerLicenseDeployment and Get-PartnerLicenseUsage share: the partner-level call
    /// without -CustomerId, and with it a bounded fan-out over the customers given by argument or
    /// pipeline, each customer's items written together as soon as its answer is read.
    /// </summary>
    public abstract class LicenseAnalyticsCmdlet : PartnerCenterCmdlet
    {
        internal const string PartnerSet = "Partner";
        internal const string CustomerSet = "Customer";

        private const int ProgressActivityId = 0x5043;
        private ICustomerBatch _customers;
        private CmdletCall _call;
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

        /// <summary>Checks the session and starts the invocation's one correlation id.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Engine.CurrentContext == null)
            {
                ThrowTerminating(PartnerCenterErrors.NotConnected());
            }

            _call = NewCall();
        }

        /// <summary>Reads the partner's totals, or adds this input's customers to the fan-out and writes those already read.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName != CustomerSet)
            {
                ReadPartner(_call);
                return;
            }

            if (_customers == null)
            {
                _customers = NewCustomerBatch(_call);
            }

            foreach (string id in CustomerId)
            {
                _customers.Add(ValidateCustomerIdAttribute.Parse(id).Value);
            }

            WriteFinished(wait: false);
        }

        /// <summary>Waits for the customers still being read, writing each as it finishes.</summary>
        protected override void EndProcessing()
        {
            if (_customers != null)
            {
                WriteFinished(wait: true);
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

        /// <summary>Reads and writes the partner-level resource.</summary>
        internal abstract void ReadPartner(CmdletCall call);

        /// <summary>A fan-out for this cmdlet's customer-level resource.</summary>
        internal abstract ICustomerBatch NewCustomerBatch(CmdletCall call);

        /// <summary>Builds a fan-out that reads <paramref name="request"/> for each customer.</summary>
        internal ICustomerBatch Batch<T>(Func<Guid, ResourceRequest<T>> request, CmdletCall call)
        {
            IPartnerCenterEngine engine = Engine;
            return new CustomerBatch<T>(this, new CustomerFanOut<T>(ThrottleLimit, (id, cancel) => engine.ReadAllAsync(request(id), call, Log, cancel), StopToken));
        }

        internal override void OnDispose()
        {
            _customers?.Dispose();
        }

        private void WriteFinished(bool wait)
        {
            bool totalKnown = !MyInvocation.ExpectingInput;

            // Waiting: until every customer is written, waking at least every 50 ms to flush the log and
            // notice Ctrl+C. Asking for one more result once all are written would wait the full 50 ms
            // for nothing, at the end of every call.
            while (wait ? !_customers.AllWritten : _customers.WriteNext(TimeSpan.Zero))
            {
                if (wait)
                {
                    _customers.WriteNext(TimeSpan.FromMilliseconds(50));
                }

                FlushLog();
                if (StopToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                if (_customers.Added > 1)
                {
                    _progressShown = true;
                    int done = _customers.Written;
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

        /// <summary>A fan-out as the non-generic cmdlet base sees it.</summary>
        internal interface ICustomerBatch : IDisposable
        {
            int Added { get; }

            int Written { get; }

            bool AllWritten { get; }

            void Add(Guid customerId);

            /// <summary>Writes the next finished customer (items or error), waiting at most <paramref name="wait"/>; false when none finished.</summary>
            bool WriteNext(TimeSpan wait);
        }

        private sealed class CustomerBatch<T> : ICustomerBatch
        {
            private readonly LicenseAnalyticsCmdlet _cmdlet;
            private readonly CustomerFanOut<T> _fanOut;

            public CustomerBatch(LicenseAnalyticsCmdlet cmdlet, CustomerFanOut<T> fanOut)
            {
                _cmdlet = cmdlet;
                _fanOut = fanOut;
            }

            public int Added => _fanOut.Added;

            public int Written => _fanOut.Taken;

            public bool AllWritten => _fanOut.AllTaken;

            public void Add(Guid customerId)
            {
                _fanOut.Add(customerId);
            }

            public bool WriteNext(TimeSpan wait)
            {
                if (!_fanOut.TryTake(wait, out CustomerResult<T> result))
                {
                    return false;
                }

                _cmdlet.FlushLog();
                if (result.Failure != null)
                {
                    // One customer's failure is reported and the others go on; -ErrorAction Stop turns
                    // this into the end of the cmdlet, and disposing the batch cancels the rest.
                    string customer = result.CustomerId.ToString("D");
                    PartnerCenterException named = result.Failure.WithMessage("Customer " + customer + ": " + result.Failure.Message);
                    _cmdlet.WriteError(ToErrorRecord(named, customer));
                    return true;
                }

                foreach (T item in result.Items)
                {
                    _cmdlet.WriteObject(item);
                }

                return true;
            }

            public void Dispose()
            {
                _fanOut.Dispose();
            }
        }
    }
}
