using System.Management.Automation;

namespace BaselineModule
{
    /// <summary>
    /// The one cmdlet of the baseline module. It does nothing worth measuring on purpose: invoked in a
    /// loop it also shows what a PowerShell pipeline costs on its own.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BaselineValue")]
    [OutputType(typeof(int))]
    public sealed class GetBaselineValueCommand : PSCmdlet
    {
        // Boxed once: writing it costs the pipeline alone, not an allocation per object.
        private static readonly object Constant = 42;

        /// <summary>How many times to write it (1 unless told): many, to see what writing one object costs.</summary>
        [Parameter]
        public int Count { get; set; } = 1;

        /// <summary>Writes a constant.</summary>
        protected override void ProcessRecord()
        {
            for (int i = 0; i < Count; i++)
            {
                WriteObject(Constant);
            }
        }
    }
}
