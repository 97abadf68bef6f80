using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Reads many customers at once, never more than a limit in flight, and hands each customer's
    /// whole answer (or its failure) back as soon as it is read, for the pipeline thread to write.
    /// Customers may be added while earlier ones are still being read, as pipeline input arrives.
    /// Disposing it cancels everything still in flight or waiting.
    /// </summary>
    /// <typeparam name="T">The type of a customer's items.</typeparam>
    public sealed class CustomerFanOut<T> : IDisposable
    {
        private readonly Func<Guid, CancellationToken, Task<IReadOnlyList<T>>> _read;
        private readonly int _limit;
        private readonly object _gate = new object();
        private readonly Queue<Guid> _pending = new Queue<Guid>();
        private int _workers;
        private readonly CancellationTokenSource _cancel;
        private readonly ConcurrentQueue<CustomerResult<T>> _done = new ConcurrentQueue<CustomerResult<T>>();
        private readonly SemaphoreSlim _doneSignal = new SemaphoreSlim(0);
        private int _added;
        private int _taken;
        private int _peak;

        /// <summary>Creates a fan-out of at most <paramref name="limit"/> reads at a time, cancelled with <paramref name="stop"/>.</summary>
        public CustomerFanOut(int limit, Func<Guid, CancellationToken, Task<IReadOnlyList<T>>> read, CancellationToken stop)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(limit), limit, "At least one read must be allowed at a time.");
            }

            _read = read ?? throw new ArgumentNullException(nameof(read));
            _limit = limit;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        }

        /// <summary>Customers added so far.</summary>
        public int Added => Volatile.Read(ref _added);

        /// <summary>Customers whose result has been taken.</summary>
        public int Taken => _taken;

        /// <summary>The most reads that were in flight at once.</summary>
        public int PeakInFlight => Volatile.Read(ref _peak);

        /// <summary>Whether every customer added so far has been taken.</summary>
        public bool AllTaken => _taken == Added;

        /// <summary>Starts reading a customer as soon as a slot is free; customers start in the order added.</summary>
        public void Add(Guid customerId)
        {
            Interlocked.Increment(ref _added);
            lock (_gate)
            {
                _pending.Enqueue(customerId);
                if (_workers == _limit)
                {
                    return;
                }

                _workers++;
                int peak;
                while (_workers > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, _workers, peak) != peak)
                {
                }
            }

            Task.Run(WorkAsync);
        }

        /// <summary>
        /// Takes the next finished customer, waiting at most <paramref name="wait"/> for one (zero:
        /// not at all). False when none finished in that time.
        /// </summary>
        public bool TryTake(TimeSpan wait, out CustomerResult<T> result)
        {
            result = null;
            if (!_doneSignal.Wait(wait))
            {
                return false;
            }

            _done.TryDequeue(out result);
            _taken++;
            return true;
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

        // A worker reads the customers waiting, one after the other, and ends when none is left:
        // there are never more workers, and so never more reads in flight, than the limit.
        private async Task WorkAsync()
        {
            while (true)
            {
                Guid customerId;
                lock (_gate)
                {
                    if (_pending.Count == 0 || _cancel.IsCancellationRequested)
                    {
                        _workers--;
                        return;
                    }

                    customerId = _pending.Dequeue();
                }

                CustomerResult<T> result = await ReadAsync(customerId).ConfigureAwait(false);
                if (result == null)
                {
                    continue;
                }

                _done.Enqueue(result);
                _doneSignal.Release();
            }
        }

        private async Task<CustomerResult<T>> ReadAsync(Guid customerId)
        {
            try
            {
                IReadOnlyList<T> items = await _read(customerId, _cancel.Token).ConfigureAwait(false);
                return new CustomerResult<T>(customerId, items, null);
            }
            catch (PartnerCenterException e)
            {
                return new CustomerResult<T>(customerId, null, e);
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                // Stopped: nobody is waiting for this customer any more.
                return null;
            }
            catch (Exception e)
            {
                // Every customer added gets a result, or the pipeline thread would wait for it forever.
                return new CustomerResult<T>(customerId, null, new PartnerCenterException(
                    PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed,
                    "Reading customer " + customerId.ToString("D") + " failed unexpectedly: " + e.GetType().Name + ": " + e.Message, e));
            }
        }
    }

    /// <summary>One customer's answer: its items, or the failure that ended its read.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    public sealed class CustomerResult<T>
    {
        /// <summary>Describes one customer's answer.</summary>
        public CustomerResult(Guid customerId, IReadOnlyList<T> items, PartnerCenterException failure)
        {
            CustomerId = customerId;
            Items = items;
            Failure = failure;
        }

        /// <summary>The customer.</summary>
        public Guid CustomerId { get; }

        /// <summary>Its items, or null when it failed.</summary>
        public IReadOnlyList<T> Items { get; }

        /// <summary>The failure, or null.</summary>
        public PartnerCenterException Failure { get; }
    }
}
