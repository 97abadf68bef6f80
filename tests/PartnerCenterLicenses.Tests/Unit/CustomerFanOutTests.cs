using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public sealed class CustomerFanOutTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        [Fact]
        public void Never_more_reads_than_the_limit_are_in_flight_and_the_limit_is_used()
        {
            var gates = new ConcurrentDictionary<Guid, TaskCompletionSource<bool>>();
            int inFlight = 0, peak = 0;
            using (var fanOut = new CustomerFanOut<Guid>(3, Reads<Guid>(async (id, cancel) =>
            {
                // The gate exists before the read counts as in flight, so the loop below always finds it.
                TaskCompletionSource<bool> gate = gates.GetOrAdd(id.Value, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await gate.Task;
                Interlocked.Decrement(ref inFlight);
                return new[] { id.Value };
            }), CancellationToken.None))
            {
                var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
                ids.ForEach(id => fanOut.Add(new CustomerId(id)));
                var taken = new List<Guid>();
                while (taken.Count < ids.Count)
                {
                    // Let the reads that started finish one at a time; the next may only start after one ends.
                    WaitUntil(() => Volatile.Read(ref inFlight) == Math.Min(3, ids.Count - taken.Count));
                    Assert.True(Volatile.Read(ref inFlight) <= 3);
                    Guid open = gates.Where(g => !g.Value.Task.IsCompleted).Select(g => g.Key).First();
                    gates[open].SetResult(true);
                    CustomerResult<Guid> result = Take(fanOut);
                    Assert.Null(result.Failure);
                    Assert.Equal(result.Customer.Value, Assert.Single(result.Items));
                    taken.Add(result.Customer.Value);
                }

                Assert.Equal(3, peak);
                Assert.Equal(3, fanOut.PeakInFlight);
                Assert.Equal(ids.OrderBy(i => i), taken.OrderBy(i => i));
                Assert.Equal(fanOut.Added, fanOut.Taken);
                Task<bool> more = fanOut.MoveNextAsync();
                Assert.False(more.IsCompleted, "More customers may still be added, so the stream has not ended.");
                fanOut.Complete();
                Assert.False(Outcome(more, Patience));
            }
        }

        [Fact]
        public void A_failed_customer_is_a_result_with_its_error_and_the_others_still_arrive()
        {
            Guid failing = Guid.NewGuid();
            using (var fanOut = new CustomerFanOut<string>(2, Reads<string>((id, cancel) =>
            {
                if (id.Value == failing)
                {
                    throw new PartnerCenterException(PartnerCenterErrorIds.Forbidden, PartnerCenterErrorKind.PermissionDenied, "no relationship");
                }

                return Task.FromResult<IReadOnlyList<string>>(new[] { "a", "b" });
            }), CancellationToken.None))
            {
                fanOut.Add(new CustomerId(Guid.NewGuid()));
                fanOut.Add(new CustomerId(failing));
                fanOut.Add(new CustomerId(Guid.NewGuid()));
                var results = Enumerable.Range(0, 3).Select(_ => Take(fanOut)).ToList();

                CustomerResult<string> failed = Assert.Single(results, r => r.Failure != null);
                Assert.Equal(failing, failed.Customer.Value);
                Assert.Equal(PartnerCenterErrorIds.Forbidden, failed.Failure.ErrorId);
                Assert.Null(failed.Items);
                Assert.All(results.Where(r => r.Failure == null), r => Assert.Equal(new[] { "a", "b" }, r.Items));
            }
        }

        [Fact]
        public void An_unexpected_exception_is_still_a_result_so_nobody_waits_forever()
        {
            using (var fanOut = new CustomerFanOut<string>(1, (id, cancel) => throw new InvalidOperationException("boom"), CancellationToken.None))
            {
                fanOut.Add(new CustomerId(Guid.NewGuid()));
                CustomerResult<string> result = Take(fanOut);
                Assert.Equal(PartnerCenterErrorIds.RequestFailed, result.Failure.ErrorId);
                Assert.Contains("boom", result.Failure.Message);
                fanOut.Complete();
                Assert.False(Outcome(fanOut.MoveNextAsync(), Patience));
            }
        }

        [Fact]
        public void Disposing_cancels_reads_in_flight_and_those_still_waiting_for_a_slot()
        {
            int started = 0, cancelled = 0;
            var fanOut = new CustomerFanOut<string>(2, Reads<string>(async (id, cancel) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }

                return Array.Empty<string>();
            }), CancellationToken.None);
            for (int i = 0; i < 5; i++)
            {
                fanOut.Add(new CustomerId(Guid.NewGuid()));
            }

            WaitUntil(() => Volatile.Read(ref started) == 2);
            fanOut.Dispose();
            WaitUntil(() => Volatile.Read(ref cancelled) == 2);

            // The three waiting for a slot never start, and no result is made for anyone.
            Assert.Equal(2, Volatile.Read(ref started));
            Assert.Null(Outcome(fanOut.MoveNextAsync(), TimeSpan.FromMilliseconds(100)));
        }

        [Fact]
        public void The_callers_stop_token_cancels_the_reads()
        {
            using (var stop = new CancellationTokenSource())
            {
                int started = 0, cancelled = 0;
                using (var fanOut = new CustomerFanOut<string>(4, Reads<string>(async (id, cancel) =>
                {
                    Interlocked.Increment(ref started);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancel);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref cancelled);
                        throw;
                    }

                    return Array.Empty<string>();
                }), stop.Token))
                {
                    for (int i = 0; i < 4; i++)
                    {
                        fanOut.Add(new CustomerId(Guid.NewGuid()));
                    }

                    WaitUntil(() => Volatile.Read(ref started) == 4);
                    stop.Cancel();
                    WaitUntil(() => Volatile.Read(ref cancelled) == 4);
                }
            }
        }

        [Fact]
        public void Stopping_at_the_first_failure_cancels_the_reads_in_flight_starts_no_other_and_ends_after_the_failure()
        {
            Guid failing = Guid.NewGuid();
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            int started = 0, cancelled = 0;
            using (var fanOut = new CustomerFanOut<string>(3, Reads<string>(async (id, cancel) =>
            {
                Interlocked.Increment(ref started);
                if (id.Value == failing)
                {
                    // Fails once the other two reads are in flight.
                    await release.Task;
                    throw new PartnerCenterException(PartnerCenterErrorIds.Forbidden, PartnerCenterErrorKind.PermissionDenied, "no relationship");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }

                return Array.Empty<string>();
            }), CancellationToken.None) { StopAtFirstFailure = true })
            {
                fanOut.Add(new CustomerId(Guid.NewGuid()));
                fanOut.Add(new CustomerId(failing));
                fanOut.Add(new CustomerId(Guid.NewGuid()));
                for (int i = 0; i < 5; i++)
                {
                    fanOut.Add(new CustomerId(Guid.NewGuid()));
                }

                WaitUntil(() => Volatile.Read(ref started) == 3);
                release.SetResult(true);

                CustomerResult<string> failed = Take(fanOut);
                Assert.Equal(failing, failed.Customer.Value);
                WaitUntil(() => Volatile.Read(ref cancelled) == 2);
                Assert.False(Outcome(fanOut.MoveNextAsync(), Patience));
                Assert.Equal(3, Volatile.Read(ref started));
            }
        }

        [Fact]
        public void A_limit_below_one_is_refused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerFanOut<string>(0, (id, c) => null, CancellationToken.None));
        }

        private static CustomerResult<T> Take<T>(CustomerFanOut<T> fanOut)
        {
            Assert.True(Outcome(fanOut.MoveNextAsync(), Patience) ?? throw new TimeoutException("No customer finished."));
            return fanOut.Current;
        }

        // What the task ended with, or null when it did not end within the limit.
        private static bool? Outcome(Task<bool> task, TimeSpan limit)
        {
            return ((IAsyncResult)task).AsyncWaitHandle.WaitOne(limit) ? task.GetAwaiter().GetResult() : (bool?)null;
        }

        /// <summary>Each customer's stream, made of one asynchronous read of all its items.</summary>
        private static Func<CustomerId, CancellationToken, IItemStream<T>> Reads<T>(Func<CustomerId, CancellationToken, Task<IReadOnlyList<T>>> read)
        {
            return (id, cancel) => new OneRead<T>(() => read(id, cancel));
        }

        private sealed class OneRead<T> : IItemStream<T>
        {
            private readonly Func<Task<IReadOnlyList<T>>> _read;
            private IReadOnlyList<T> _items;
            private int _next = -1;

            public OneRead(Func<Task<IReadOnlyList<T>>> read)
            {
                _read = read;
            }

            public T Current => _items[_next];

            public long? TotalCount => null;

            public int Pages => _items == null ? 0 : 1;

            public async Task<bool> MoveNextAsync()
            {
                _items = _items ?? await _read();
                return ++_next < _items.Count;
            }

            public void Dispose()
            {
            }
        }

        private static void WaitUntil(Func<bool> condition)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, "The condition was not met in time.");
                Thread.Sleep(5);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
