@{
    RootModule           = 'BaselineHttpModule.dll'
    ModuleVersion        = '1.0.0'
    GUID                 = '7d0f3b52-9a1e-4c8b-b6e4-1f25c8a9d370'
    Author               = 'PartnerCenterLicenses contributors'
    Description          = 'Benchmark baseline: a token request and a GET with a bare HttpClient, read with JsonTextReader.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    CmdletsToExport      = @('Connect-BaselineHttp', 'Get-BaselineDeployment')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
