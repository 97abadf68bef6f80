using System;
using System.Collections.Generic;
using System.Linq;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>Order statistics of one set of samples. Medians and percentiles, not means: a single
    /// garbage collection or scheduler hiccup on a 2-core machine must not move the headline number.</summary>
    internal sealed class Stats
    {
        private readonly double[] _sorted;

        public Stats(IEnumerable<double> samples)
        {
            _sorted = samples.OrderBy(s => s).ToArray();
            if (_sorted.Length == 0)
            {
                throw new ArgumentException("No samples.", nameof(samples));
            }
        }

        public int Count => _sorted.Length;

        public double Min => _sorted[0];

        public double Max => _sorted[_sorted.Length - 1];

        public double Median => Percentile(50);

        public double P90 => Percentile(90);

        /// <summary>Linear interpolation between closest ranks, so the median of an even count is the mean of the middle two.</summary>
        public double Percentile(double percent)
        {
            double rank = percent / 100.0 * (_sorted.Length - 1);
            int below = (int)Math.Floor(rank);
            int above = Math.Min(below + 1, _sorted.Length - 1);
            return _sorted[below] + (rank - below) * (_sorted[above] - _sorted[below]);
        }
    }
}
