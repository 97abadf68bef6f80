using System;
using System.Threading;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Engine.Reports;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine
{
    /// <summary>
    /// A connected session: its environment, where its tokens come from, and its Partner Center
    /// client. Calls hold a lease on the session they started with, so a Connect or Disconnect in
    /// another runspace never disposes the HttpClient or token source under a call in flight: the
    /// session is released when the engine has let go of it and the last lease has ended.
    /// </summary>
    internal sealed class PartnerCenterSession
    {
        // One count for the engine's own hold, one per call in flight.
        private int _holds = 1;
        private ReportDownloads _downloads;

        public PartnerCenterSession(PartnerCenterEnvironment environment, ITokenSource tokens, PartnerCenterClient client)
        {
            Environment = environment;
            Tokens = tokens;
            Client = client;
        }

        public PartnerCenterEnvironment Environment { get; }

        public ITokenSource Tokens { get; }

        public PartnerCenterClient Client { get; }

        /// <summary>
        /// The chain of reports' secure links: made on first use (most sessions never download a report), with a
        /// transport of its own (its host is not Partner Center's), released with the session.
        /// </summary>
        public ReportDownloads Downloads
        {
            get
            {
                ReportDownloads downloads = Volatile.Read(ref _downloads);
                if (downloads != null)
                {
                    return downloads;
                }

                var certificates = new CertificateFailures();
                var made = new ReportDownloads(HttpClients.Transport(certificates), certificates);
                downloads = Interlocked.CompareExchange(ref _downloads, made, null);
                if (downloads != null)
                {
                    made.Dispose();
                    return downloads;
                }

                return made;
            }
        }

        public PartnerCenterContext Describe()
        {
            return Tokens.Describe(Environment.Name);
        }

        /// <summary>Takes a lease for one call; false when the session has already been released.</summary>
        public bool TryLease()
        {
            while (true)
            {
                int holds = Volatile.Read(ref _holds);
                if (holds == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds)
                {
                    return true;
                }
            }
        }

        /// <summary>Ends a call's lease, or the engine's hold; the last one out releases the session.</summary>
        public void Release()
        {
            if (Interlocked.Decrement(ref _holds) == 0)
            {
                Tokens.Dispose();
                Client.Dispose();
                Interlocked.Exchange(ref _downloads, null)?.Dispose();
            }
        }

        /// <summary>Forgets the session's tokens (Disconnect-PartnerCenter), then lets go of it.</summary>
        public void SignOut()
        {
            Tokens.SignOut();
            Release();
        }
    }
}
