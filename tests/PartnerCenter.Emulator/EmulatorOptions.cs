namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Settings for <see cref="EmulatorServer.StartAsync(EmulatorOptions)"/>.
    /// </summary>
    public sealed class EmulatorOptions
    {
        /// <summary>
        /// TCP port to listen on at 127.0.0.1. Zero (the default) lets the operating system pick a free port,
        /// which is what parallel test runs need.
        /// </summary>
        public int Port { get; set; }

        /// <summary>
        /// When true (the default) nothing is written to the console. When false, a single line per request
        /// and the server's warnings are logged, which is what a person trying the emulator by hand wants.
        /// </summary>
        public bool Quiet { get; set; } = true;
    }
}
