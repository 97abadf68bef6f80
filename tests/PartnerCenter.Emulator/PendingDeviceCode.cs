using System;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// A device code that is waiting for the user: issued, not yet approved, declined or expired. Pass its
    /// <see cref="UserCode"/> to <see cref="EmulatorState.ApproveDeviceCode"/> or <see cref="EmulatorState.DenyDeviceCode"/>.
    /// </summary>
    public sealed class PendingDeviceCode
    {
        internal PendingDeviceCode(string userCode, string clientId, string scope, DateTimeOffset createdAt, DateTimeOffset expiresAt)
        {
            UserCode = userCode;
            ClientId = clientId;
            Scope = scope;
            CreatedAt = createdAt;
            ExpiresAt = expiresAt;
        }

        /// <summary>The short code a person would type at the verification page, e.g. <c>KXM7PQ4RT</c>.</summary>
        public string UserCode { get; }

        /// <summary>The application that asked for the code.</summary>
        public string ClientId { get; }

        /// <summary>The scopes it asked for, space-separated.</summary>
        public string Scope { get; }

        /// <summary>When the code was issued.</summary>
        public DateTimeOffset CreatedAt { get; }

        /// <summary>When the code stops being usable (<see cref="CreatedAt"/> plus <see cref="EmulatorState.DeviceCodeLifetime"/>).</summary>
        public DateTimeOffset ExpiresAt { get; }

        /// <inheritdoc />
        public override string ToString() => $"{UserCode} ({ClientId}: {Scope})";
    }
}
