using System;
using System.Collections.Generic;
using System.Linq;

namespace PartnerCenter.Emulator.State
{
    /// <summary>
    /// A scheduled report as <c>POST ScheduledReport</c> made it and <c>PUT</c>, pause and resume change it. Held
    /// by <see cref="EmulatorState"/> under its lock; routes get copies.
    /// </summary>
    internal sealed class InsightsReport
    {
        public string ReportId { get; init; }
        public string ReportName { get; set; }
        public string Description { get; set; }
        public string QueryId { get; init; }
        public string Query { get; init; }
        public string User { get; init; }
        public DateTimeOffset CreatedTime { get; init; }
        public DateTimeOffset? ModifiedTime { get; set; }
        public bool ExecuteNow { get; init; }
        public DateTimeOffset? StartTime { get; set; }

        /// <summary>Active or Paused.</summary>
        public string Status { get; set; } = "Active";
        public long RecurrenceInterval { get; set; }

        /// <summary>Null: no limit (the service's default, "indefinite").</summary>
        public long? RecurrenceCount { get; set; }

        /// <summary>csv or tsv, as the documented answers write it.</summary>
        public string Format { get; set; }
        public string CallbackUrl { get; set; }
        public string CallbackMethod { get; set; }

        /// <summary>The runs due so far, oldest first (shared by copies: they are changed only under the state's lock).</summary>
        public List<InsightsExecution> Executions { get; private init; } = new List<InsightsExecution>();

        public InsightsReport Copy()
        {
            var copy = (InsightsReport)MemberwiseClone();
            return copy;
        }
    }

    /// <summary>One run of a report: due at <see cref="DueTime"/>, then Pending, Running, Completed (or Paused, Failed).</summary>
    internal sealed class InsightsExecution
    {
        public InsightsExecution(string executionId, DateTimeOffset dueTime)
        {
            ExecutionId = executionId;
            DueTime = dueTime;
        }

        public string ExecutionId { get; }
        public DateTimeOffset DueTime { get; }
        public string Status { get; set; } = "Pending";

        /// <summary>Reads counted towards the read-based progression.</summary>
        public int Reads { get; set; }

        /// <summary>When the report was last resumed while this run was unfinished: its time counts from there.</summary>
        public DateTimeOffset? ResumedAt { get; set; }
        public Uri Link { get; set; }
        public DateTimeOffset? ExpiryTime { get; set; }
        public DateTimeOffset? GeneratedTime { get; set; }
    }

    /// <summary>An execution as one read answers it, with a copy of its report.</summary>
    internal sealed record InsightsExecutionView(
        InsightsReport Report,
        string ExecutionId,
        string Status,
        Uri Link,
        DateTimeOffset? ExpiryTime,
        DateTimeOffset? GeneratedTime,
        DateTimeOffset DueTime);
}
