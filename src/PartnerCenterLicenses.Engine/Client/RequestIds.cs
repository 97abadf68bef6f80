using System;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// The ids that let support find one request: its MS-RequestId and the MS-CorrelationId of the
    /// cmdlet call it belongs to. Every error about a request carries them.
    /// </summary>
    internal sealed class RequestIds
    {
        public RequestIds(Guid requestId, Guid correlationId)
        {
            RequestId = requestId;
            CorrelationId = correlationId;
        }

        public Guid RequestId { get; }

        public Guid CorrelationId { get; }

        public string Text => " MS-RequestId: " + RequestId + ", MS-CorrelationId: " + CorrelationId + ".";
    }
}
