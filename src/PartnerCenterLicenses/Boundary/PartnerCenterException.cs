using System;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// What kind of failure happened; the cmdlets map it to an ErrorCategory. Kept free of
    /// System.Management.Automation so the engine never depends on PowerShell types.
    /// </summary>
    public enum PartnerCenterErrorKind
    {
        /// <summary>No session, or a session that cannot be used.</summary>
        NotConnected,
        /// <summary>Sign-in failed or a token was rejected.</summary>
        Authentication,
        /// <summary>Signed in, but not allowed.</summary>
        PermissionDenied,
        /// <summary>The thing asked for does not exist.</summary>
        NotFound,
        /// <summary>A value the user passed is wrong.</summary>
        InvalidArgument,
        /// <summary>The service could not be reached, or failed.</summary>
        ServiceUnavailable,
        /// <summary>The service throttled the caller.</summary>
        Throttled,
        /// <summary>A call took longer than its timeout.</summary>
        Timeout,
        /// <summary>The service answered something that does not match its contract.</summary>
        InvalidResponse,
        /// <summary>The request failed for another reason.</summary>
        RequestFailed,
        /// <summary>A connection or redirect that would put credentials or data at risk was refused.</summary>
        Security,
        /// <summary>The module's own files cannot be loaded (a damaged or partial installation).</summary>
        ModuleDamaged,
        /// <summary>What was asked for cannot be done on this machine (for example no secure store).</summary>
        Unsupported,
    }

    /// <summary>The stable error ids the module reports (FullyQualifiedErrorId prefixes).</summary>
    public static class PartnerCenterErrorIds
    {
#pragma warning disable CS1591 // the names are their documentation
        public const string NotConnected = "PartnerCenter.NotConnected";
        public const string UnknownEnvironment = "PartnerCenter.UnknownEnvironment";
        public const string InvalidEnvironment = "PartnerCenter.InvalidEnvironment";
        public const string InvalidArgument = "PartnerCenter.InvalidArgument";
        public const string RefreshTokenExpired = "PartnerCenter.RefreshTokenExpired";
        public const string InvalidClientCredential = "PartnerCenter.InvalidClientCredential";
        public const string AuthenticationFailed = "PartnerCenter.AuthenticationFailed";
        public const string AccessTokenExpired = "PartnerCenter.AccessTokenExpired";
        public const string AuthorityUnreachable = "PartnerCenter.AuthorityUnreachable";
        public const string Unauthorized = "PartnerCenter.Unauthorized";
        public const string AppOnlyTokenRejected = "PartnerCenter.AppOnlyTokenRejected";
        public const string Forbidden = "PartnerCenter.Forbidden";
        public const string NotFound = "PartnerCenter.NotFound";
        public const string Throttled = "PartnerCenter.Throttled";
        public const string ServiceError = "PartnerCenter.ServiceError";
        public const string RequestFailed = "PartnerCenter.RequestFailed";
        public const string ServiceUnreachable = "PartnerCenter.ServiceUnreachable";
        public const string Timeout = "PartnerCenter.Timeout";
        public const string InvalidResponse = "PartnerCenter.InvalidResponse";
        public const string EngineLoadFailed = "PartnerCenter.EngineLoadFailed";
        public const string InteractiveNotAvailable = "PartnerCenter.InteractiveNotAvailable";
        public const string DeviceCodeExpired = "PartnerCenter.DeviceCodeExpired";
        public const string SignInDeclined = "PartnerCenter.SignInDeclined";
        public const string SignInTimedOut = "PartnerCenter.SignInTimedOut";
        public const string CertificateNotFound = "PartnerCenter.CertificateNotFound";
        public const string CertificateExpired = "PartnerCenter.CertificateExpired";
        public const string CertificateWithoutPrivateKey = "PartnerCenter.CertificateWithoutPrivateKey";
        public const string AppOnlyNotSupported = "PartnerCenter.AppOnlyNotSupported";
        public const string SecureTokenCacheUnavailable = "PartnerCenter.SecureTokenCacheUnavailable";
        public const string AuthorityRedirectRefused = "PartnerCenter.AuthorityRedirectRefused";
        public const string InvalidTokenResponse = "PartnerCenter.InvalidTokenResponse";
        public const string InsecureRedirectRefused = "PartnerCenter.InsecureRedirectRefused";
        public const string ServerCertificateUntrusted = "PartnerCenter.ServerCertificateUntrusted";
        public const string MfaRequired = "PartnerCenter.MfaRequired";
        public const string InvalidQuery = "PartnerCenter.InvalidQuery";
        public const string ReportNotReady = "PartnerCenter.ReportNotReady";
        public const string ReportFailed = "PartnerCenter.ReportFailed";
        public const string ReportLinkExpired = "PartnerCenter.ReportLinkExpired";
        public const string FileExists = "PartnerCenter.FileExists";
        public const string ReportTimeout = "PartnerCenter.ReportTimeout";
        public const string ReportInputNotSupported = "PartnerCenter.ReportInputNotSupported";
        public const string ReportNotWritten = "PartnerCenter.ReportNotWritten";
        public const string TenantNotFound = "PartnerCenter.TenantNotFound";
        public const string ApplicationNotFound = "PartnerCenter.ApplicationNotFound";
        public const string ConsentRequired = "PartnerCenter.ConsentRequired";
#pragma warning restore CS1591
    }

    /// <summary>
    /// The one exception the engine lets out. Its message is written for the user and never holds
    /// a token or secret; the ids of the failed request let support trace it. Message and recommended
    /// action are cleaned of terminal control characters (<see cref="TerminalText"/>): they often quote
    /// a server's words.
    /// </summary>
    [Serializable]
    public sealed class PartnerCenterException : Exception
    {
        private string _recommendedAction;

        /// <summary>Creates the exception.</summary>
        public PartnerCenterException(string errorId, PartnerCenterErrorKind kind, string message, Exception innerException = null)
            : base(TerminalText.Clean(message), innerException)
        {
            ErrorId = errorId;
            Kind = kind;
        }

        /// <summary>The stable id, for example PartnerCenter.NotConnected.</summary>
        public string ErrorId { get; }

        /// <summary>The kind of failure.</summary>
        public PartnerCenterErrorKind Kind { get; }

        /// <summary>What the user can do about it, when there is something to say.</summary>
        public string RecommendedAction
        {
            get { return _recommendedAction; }
            set { _recommendedAction = TerminalText.Clean(value); }
        }

        /// <summary>
        /// The application an admin agent must get a new refresh token for, when that is the way out;
        /// the cmdlets make the recommended action (the command to run) from it.
        /// </summary>
        public RefreshTokenApplication NewRefreshTokenFor { get; set; }

        /// <summary>The HTTP status Partner Center answered, when the failure came from a response.</summary>
        public int? StatusCode { get; set; }

        /// <summary>The error code in Partner Center's error body, when it sent one.</summary>
        public string PartnerCenterErrorCode { get; set; }

        /// <summary>The MS-RequestId of the failed request.</summary>
        public string RequestId { get; set; }

        /// <summary>The MS-CorrelationId of the cmdlet call.</summary>
        public string CorrelationId { get; set; }

        /// <summary>The same failure told with another message: id, kind, cause, action, status and ids are kept.</summary>
        public PartnerCenterException WithMessage(string message)
        {
            return new PartnerCenterException(ErrorId, Kind, message, InnerException)
            {
                RecommendedAction = RecommendedAction,
                NewRefreshTokenFor = NewRefreshTokenFor,
                StatusCode = StatusCode,
                PartnerCenterErrorCode = PartnerCenterErrorCode,
                RequestId = RequestId,
                CorrelationId = CorrelationId,
            };
        }

        /// <summary>No session: what to run, with the App+User example a runbook needs.</summary>
        public static PartnerCenterException NotConnected()
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.NotConnected,
                PartnerCenterErrorKind.NotConnected,
                "You are not connected to Partner Center. Run Connect-PartnerCenter first.")
            {
                RecommendedAction = "Run Connect-PartnerCenter with App+User credentials, for example: "
                    + "Connect-PartnerCenter -ApplicationId <app id> -Credential <app id + secret> -RefreshToken <refresh token> -Tenant <tenant>.",
            };
        }
    }
}
