using System;
using System.Net.Http;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine
{
    /// <summary>A connected session: its environment, where its tokens come from, and its HTTP clients.</summary>
    internal sealed class PartnerCenterSession : IDisposable
    {
        private readonly HttpClient _entraHttp;

        public PartnerCenterSession(PartnerCenterEnvironment environment, ITokenSource tokens, PartnerCenterClient client, HttpClient entraHttp)
        {
            Environment = environment;
            Tokens = tokens;
            Client = client;
            _entraHttp = entraHttp;
        }

        public PartnerCenterEnvironment Environment { get; }

        public ITokenSource Tokens { get; }

        public PartnerCenterClient Client { get; }

        public PartnerCenterContext Describe()
        {
            return Tokens.Describe(Environment.Name);
        }

        /// <summary>Forgets the session's tokens, then releases it (Disconnect-PartnerCenter).</summary>
        public void SignOut()
        {
            Tokens.SignOut();
            Dispose();
        }

        public void Dispose()
        {
            Tokens.Dispose();
            Client.Dispose();
            _entraHttp?.Dispose();
        }
    }
}
