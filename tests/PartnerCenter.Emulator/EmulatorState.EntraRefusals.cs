using System;
using System.Collections.Generic;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Refusals of the token endpoint that the emulator cannot reach by its own state (a revoked grant, an
    /// expired secret, missing consent, an MFA policy): a test asks for the next token request to be refused
    /// with one of Entra ID's documented AADSTS codes, and the endpoint answers it the way Entra ID does,
    /// with the v2 error body (error, error_description starting with the code, error_codes, trace_id,
    /// correlation_id, timestamp). Codes and meanings:
    /// https://learn.microsoft.com/entra/identity-platform/reference-error-codes
    /// </summary>
    public sealed partial class EmulatorState
    {
        private readonly Queue<EntraRefusal> _entraRefusals = new Queue<EntraRefusal>();

        /// <summary>The AADSTS codes <see cref="RefuseNextTokenRequest"/> knows, with Entra ID's OAuth error and status for each.</summary>
        public static IReadOnlyDictionary<int, EntraRefusal> DocumentedRefusals { get; } = new Dictionary<int, EntraRefusal>
        {
            [900144] = new EntraRefusal(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'."),
            [70000] = new EntraRefusal(400, "invalid_grant", 70000, "Provided grant is invalid or malformed."),
            [70008] = new EntraRefusal(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."),
            [700082] = new EntraRefusal(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on 2026-08-01T00:00:00Z and was inactive for 90.00:00:00."),
            [50173] = new EntraRefusal(400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."),
            [50076] = new EntraRefusal(400, "invalid_grant", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'."),
            [50079] = new EntraRefusal(400, "invalid_grant", 50079, "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'."),
            [90002] = new EntraRefusal(400, "invalid_request", 90002, "Tenant '00000000-0000-0000-0000-00000000dead' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
            [900023] = new EntraRefusal(400, "invalid_request", 900023, "Specified tenant identifier 'not a tenant' is neither a valid DirectoryId nor a valid domain."),
            [7000215] = new EntraRefusal(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."),
            [7000222] = new EntraRefusal(401, "invalid_client", 7000222, "The provided client secret keys for app are expired. Visit the Azure portal to create new keys for your app."),
            [700016] = new EntraRefusal(400, "unauthorized_client", 700016, "Application with identifier '00000000-0000-0000-0000-00000000beef' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
            [65001] = new EntraRefusal(400, "invalid_grant", 65001, "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource."),
        };

        /// <summary>
        /// Makes the next request to any token endpoint be refused with <paramref name="aadstsCode"/>, one of
        /// <see cref="DocumentedRefusals"/>. Several calls are served first in, first out; the request is still
        /// recorded and counted. <see cref="ClearScriptedResponses"/> drops those not yet served.
        /// </summary>
        public void RefuseNextTokenRequest(int aadstsCode)
        {
            if (!DocumentedRefusals.TryGetValue(aadstsCode, out EntraRefusal refusal))
            {
                throw new ArgumentOutOfRangeException(nameof(aadstsCode), aadstsCode, "Not one of the documented refusals the emulator knows.");
            }

            lock (_gate)
            {
                _entraRefusals.Enqueue(refusal);
            }
        }

        internal EntraRefusal TryDequeueEntraRefusal()
        {
            lock (_gate)
            {
                return _entraRefusals.Count > 0 ? _entraRefusals.Dequeue() : null;
            }
        }

        private void ClearEntraRefusalsLocked() => _entraRefusals.Clear();
    }

    /// <summary>One refusal of Entra ID's token endpoint: HTTP status, OAuth error, AADSTS code and its message.</summary>
    public sealed record EntraRefusal(int StatusCode, string Error, int AadstsCode, string Message);
}
