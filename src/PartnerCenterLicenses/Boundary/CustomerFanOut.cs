using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// A bounded merge of one stream per customer: never more than a limit read at once, each
    /// customer's whole answer (or its failure) handed on as soon as it is read. Customers may be
    /// added while earlier ones are still being read, as pipeline input arrives; after
    /// <see cref="Complete"/> the stream ends once every customer added has been taken. Disposing it
    /// cancels everything still in flight or waiting.
    /// </summary>
    /// <typeparam name="T">The type of a customer's items.</typeparam>
    public sealed class CustomerFanOut<T> : IItemStream<CustomerResult<T>>
    {
        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);

        private readonly Func<CustomerId, CancellationToken, IItemStream<T>> _open;
        private readonly int _limit;
        private readonly object _gate = new object();
        private readonly Queue<CustomerId> _pending = new Queue<CustomerId>();
        private readonly Queue<CustomerResult<T>> _done = new Queue<CustomerResult<T>>();
        private readonly CancellationTokenSource _cancel;
        private TaskCompletionSource<bool> _arrival;
        private int _workers;
        private int _added;
        private int _taken;
        private int _peak;
        private bool _complete;
        private bool _stopped;

        /// <summary>Creates a fan-out of at most <paramref name="limit"/> reads at a time, cancelled with <paramref name="stop"/>.</summary>
        /// <param name="limit">The most customers read at once.</param>
        /// <param name="open">Opens one customer's stream; its items are read to the end before the customer is handed on.</param>
        /// <param name="stop">Cancels every read.</param>
        public CustomerFanOut(int limit, Func<CustomerId, CancellationToken, IItemStream<T>> open, CancellationToken stop)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(limit), limit, "At least one read must be allowed at a time.");
            }

            _open = open ?? throw new ArgumentNullException(nameof(open));
            _limit = limit;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        }

        /// <summary>
        /// When true, the first customer that fails stops the fan-out the moment its failure is known:
        /// no further customer is started, the reads in flight are cancelled, and the stream ends after
        /// the failure (what -ErrorAction Stop asks for). Set it before adding customers.
        /// </summary>
        public bool StopAtFirstFailure { get; set; }

        /// <summary>Customers added so far.</summary>
        public int Added => Volatile.Read(ref _added);

        /// <summary>Customers whose result has been taken.</summary>
        public int Taken => Volatile.Read(ref _taken);

        /// <summary>The most reads that were in flight at once.</summary>
        public int PeakInFlight => Volatile.Read(ref _peak);

        /// <summary>The customer taken last.</summary>
        public CustomerResult<T> Current { get; private set; }

        /// <summary>Not known for a fan-out.</summary>
        public long? TotalCount => null;

        /// <summary>Customers taken so far.</summary>
        public int Pages => Taken;

        /// <summary>Starts reading a customer as soon as a slot is free; customers start in the order added.</summary>
        public void Add(CustomerId customer)
        {
            Interlocked.Increment(ref _added);
            lock (_gate)
            {
                _pending.Enqueue(customer);
                if (_workers == _limit)
                {
                    return;
                }

                _workers++;
                _peak = Math.Max(_peak, _workers);
            }

            Task.Run(WorkAsync);
        }

        /// <summary>No more customers will be added: the stream ends once every one added has been taken.</summary>
        public void Complete()
        {
            TaskCompletionSource<bool> arrival;
            lock (_gate)
            {
                _complete = true;
                arrival = _arrival;
                _arrival = null;
            }

            arrival?.TrySetResult(true);
        }

        /// <summary>
        /// The next customer to finish: at once when one has, false when <see cref="Complete"/> was
        /// called and all have been taken, and otherwise when one finishes.
        /// </summary>
        public Task<bool> MoveNextAsync()
        {
            lock (_gate)
            {
                if (_done.Count > 0)
                {
                    Current = _done.Dequeue();
                    _taken++;
                    return True;
                }

                if ((_complete && _taken == _added) || _stopped)
                {
                    return False;
                }

                _arrival = _arrival ?? new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                return WaitThenTakeAsync(_arrival.Task);
            }
        }

        /// <summary>Cancels every read still in flight or waiting for a slot.</summary>
        public void Dispose()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private async Task<bool> WaitThenTakeAsync(Task arrival)
        {
            await arrival.ConfigureAwait(false);
            return await MoveNextAsync().ConfigureAwait(false);
        }

        // A worker reads the customers waiting, one after the other, and ends when none is left:
        // there are never more workers, and so never more reads in flight, than the limit.
        private async Task WorkAsync()
        {
            while (true)
            {
                CustomerId customer;
                lock (_gate)
                {
                    if (_pending.Count == 0 || _stopped || _cancel.IsCancellationRequested)
                    {
                        _workers--;
                        return;
                    }

                    customer = _pending.Dequeue();
                }

                CustomerResult<T> result = await ReadAsync(customer).ConfigureAwait(false);
                if (result == null)
                {
                    continue;
                }

                TaskCompletionSource<bool> arrival;
                bool stop;
                lock (_gate)
                {
                    if (_stopped)
                    {
                        // A read that finished after the stop: nobody takes it any more.
                        continue;
                    }

                    _done.Enqueue(result);
                    stop = StopAtFirstFailure && result.Failure != null;
                    _stopped = stop;
                    arrival = _arrival;
                    _arrival = null;
                }

                if (stop)
                {
                    // Decided under the lock, so no worker starts another customer; the cancellation
                    // reaches the reads already in flight. The failure stays queued for the pipeline.
                    Dispose();
                }

                arrival?.TrySetResult(true);
            }
        }

        private async Task<CustomerResult<T>> ReadAsync(CustomerId customer)
        {
            try
            {
                var items = new List<T>();
                using (IItemStream<T> stream = _open(customer, _cancel.Token))
                {
                    while (await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        items.Add(stream.Current);
                    }
                }

                return new CustomerResult<T>(customer, items, null);
            }
            catch (PartnerCenterException e)
            {
                return new CustomerResult<T>(customer, null, e);
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                // Stopped: nobody is waiting for this customer any more.
                return null;
            }
            catch (Exception e)
            {
                // Every customer added gets a result, or the pipeline thread would wait for it forever.
                return new CustomerResult<T>(customer, null, new PartnerCenterException(
                    PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed,
                    "Reading customer " + customer + " failed unexpectedly: " + e.GetType().Name + ": " + e.Message, e));
            }
        }
    }

    /// <summary>One customer's answer: its items, or the failure that ended its read.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    public sealed class CustomerResult<T>
    {
        /// <summary>Describes one customer's answer.</summary>
        public CustomerResult(CustomerId customer, IReadOnlyList<T> items, PartnerCenterException failure)
        {
            Customer = customer;
            Items = items;
            Failure = failure;
        }

        /// <summary>The customer.</summary>
        public CustomerId Customer { get; }

        /// <summary>Its items, or null when it failed.</summary>
        public IReadOnlyList<T> Items { get; }

        /// <summary>The failure, or null.</summary>
        public PartnerCenterException Failure { get; }
    }
}
