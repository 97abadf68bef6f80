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
        /// <summary>Writes a constant.</summary>
        protected override void ProcessRecord()
        {
            WriteObject(42);
        }
    }
}
