@{
    RootModule           = 'BaselineModule.dll'
    ModuleVersion        = '1.0.0'
    GUID                 = 'c3e1a7d2-4b6f-4e0a-9d85-2f7b1c9e6a43'
    Author               = 'PartnerCenterLicenses contributors'
    Description          = 'Benchmark baseline: a one-cmdlet binary module with no dependencies and one view.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('BaselineModule.format.ps1xml')
    CmdletsToExport      = @('Get-BaselineValue')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
