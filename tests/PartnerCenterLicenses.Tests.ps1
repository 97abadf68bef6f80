#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Pester tests for contributors with pwsh: the module's happy path as a user runs it. Each test is
    mirrored by an xunit test in tests/PartnerCenterLicenses.Tests (which also runs where there is no pwsh):
      - exports exactly its cmdlets        ModuleLoadingTests.The_built_manifest_is_valid_and_exports_exactly_the_modules_cmdlets
      - NotConnected without a session     SeedScenarioTests.Without_a_session_get_fails_with_not_connected
      - the documented example             SeedScenarioTests.Get_emits_one_typed_object_per_item_in_the_documented_example
    Build first: dotnet build -c Release Module.sln (./build.ps1 -Task Test does).
#>

BeforeAll {
    $root = Split-Path -Parent $PSScriptRoot
    $manifest = Join-Path $root 'out/PartnerCenterLicenses/PartnerCenterLicenses.psd1'
    if (-not (Test-Path $manifest)) { throw "The module is not built. Run: dotnet build -c Release Module.sln" }

    $cmdlets = @(
        'Add-PartnerCenterEnvironment', 'Connect-PartnerCenter', 'Disconnect-PartnerCenter', 'Get-PartnerCenterContext',
        'Get-PartnerCenterEnvironment', 'Get-PartnerCenterRequestOption', 'Get-PartnerLicenseDeployment', 'Set-PartnerCenterRequestOption'
    )
    $onWindows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
}

Describe 'PartnerCenterLicenses module' {
    It 'has a valid manifest and exports exactly its cmdlets' {
        $info = Test-ModuleManifest -Path $manifest
        $info.Version | Should -Be ([version]'0.1.0')
        Import-Module $manifest -Force
        (Get-Command -Module PartnerCenterLicenses).Name | Sort-Object | Should -Be $cmdlets
        (Get-Module PartnerCenterLicenses).ExportedFunctions.Count | Should -Be 0
    }

    It 'fails with PartnerCenter.NotConnected without a session' {
        Import-Module $manifest -Force
        Disconnect-PartnerCenter
        { Get-PartnerLicenseDeployment } | Should -Throw -ErrorId 'PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand'
    }
}

# The emulator's certificate is trusted the way a user trusts a private CA: a child pwsh whose
# SSL_CERT_FILE names a bundle that includes it. Windows validates against its certificate store
# instead, where adding a root needs a confirmation dialog, so there the xunit test covers it.
Describe 'Against the emulator' -Skip:$onWindows {
    BeforeAll {
        $emulatorDll = Join-Path $root 'tests/PartnerCenter.Emulator/bin/Release/net10.0/PartnerCenter.Emulator.dll'
        if (-not (Test-Path $emulatorDll)) { throw "The emulator is not built. Run: dotnet build -c Release Module.sln" }
        $infoFile = Join-Path ([IO.Path]::GetTempPath()) ("pcl-emulator-" + [guid]::NewGuid() + '.json')
        $emulator = Start-Process -FilePath dotnet -ArgumentList @($emulatorDll, '--info-file', $infoFile) -PassThru `
            -RedirectStandardOutput (Join-Path ([IO.Path]::GetTempPath()) ("pcl-emulator-" + [guid]::NewGuid() + '.log'))
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $infoFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        if (-not (Test-Path $infoFile)) { throw 'The emulator did not start within 60 s.' }
        $info = Get-Content $infoFile -Raw | ConvertFrom-Json
    }

    AfterAll {
        if ($emulator -and -not $emulator.HasExited) { Stop-Process -Id $emulator.Id }
        if ($infoFile) { Remove-Item $infoFile -ErrorAction SilentlyContinue }
    }

    It 'returns the documented example as two typed objects' {
        $script = {
            param($manifest, $url, $clientId, $tenant)
            $ErrorActionPreference = 'Stop'
            Import-Module $manifest
            $null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $url -PartnerCenterEndpoint $url
            $credential = [pscredential]::new($clientId, (ConvertTo-SecureString $env:PCL_CLIENT_SECRET -AsPlainText -Force))
            $null = Connect-PartnerCenter -Environment Emulator -ApplicationId $clientId -Credential $credential -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $tenant
            Get-PartnerLicenseDeployment | ForEach-Object {
                [pscustomobject]@{
                    Type              = $_.GetType().FullName
                    ServiceName       = $_.ServiceName
                    Channel           = $_.Channel
                    LicensesSold      = "$($_.LicensesSold.GetType().Name):$($_.LicensesSold)"
                    Prorated          = "$($_.ProratedDeploymentPercent.GetType().Name):$($_.ProratedDeploymentPercent)"
                    ProcessedDateTime = "$($_.ProcessedDateTime.GetType().Name):$($_.ProcessedDateTime.ToString('o'))"
                }
            } | ConvertTo-Json -Compress
        }

        $env:SSL_CERT_FILE = $info.trustBundle
        $env:PCL_CLIENT_SECRET = $info.clientSecret
        $env:PCL_REFRESH_TOKEN = $info.refreshToken
        try {
            $json = & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -Command $script -args $manifest, $info.url, $info.clientId, $info.tenantId
        }
        finally {
            Remove-Item Env:SSL_CERT_FILE, Env:PCL_CLIENT_SECRET, Env:PCL_REFRESH_TOKEN -ErrorAction SilentlyContinue
        }

        $LASTEXITCODE | Should -Be 0
        $items = @($json | ConvertFrom-Json)
        $items.Count | Should -Be 2
        $items[0].Type | Should -Be 'PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights'
        $items[0].ServiceName | Should -Be 'crm'
        $items[0].Channel | Should -Be 'reseller'
        $items[0].LicensesSold | Should -Be 'Int64:343'
        $items[0].Prorated | Should -Be 'Double:0'
        $items[0].ProcessedDateTime | Should -Be 'DateTimeOffset:2017-03-10T00:00:00.0000000+00:00'
        $items[1].ServiceName | Should -Be 'o365'
        $items[1].LicensesSold | Should -Be 'Int64:4464'
        $items[1].Prorated | Should -Be 'Double:1'
        $items[1].ProcessedDateTime | Should -Be 'DateTimeOffset:2017-03-14T03:25:16.3600000+00:00'
    }
}
