@{
    RootModule           = 'PartnerCenterLicenses.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b8f6c2e-3f4a-4d0b-9e27-8a1c6d4e2b71'
    Author               = 'PartnerCenterLicenses contributors'
    CompanyName          = 'PartnerCenterLicenses contributors'
    Copyright            = '(c) PartnerCenterLicenses contributors. MIT License.'
    Description          = 'Partner Center license deployment analytics for CSP partners: how many of the licenses sold are deployed, per service and channel. App+User sign-in (secure application model, browser, device code, certificate, access token), sovereign clouds, runbook-safe.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('PartnerCenterLicenses.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-PartnerCenter',
        'Disconnect-PartnerCenter',
        'New-PartnerCenterRefreshToken',
        'Get-PartnerCenterContext',
        'Get-PartnerLicenseDeployment',
        'Get-PartnerLicenseUsage',
        'Add-PartnerCenterEnvironment',
        'Get-PartnerCenterEnvironment',
        'Get-PartnerCenterRequestOption',
        'Set-PartnerCenterRequestOption',
        'Invoke-PartnerCenterRequest',
        'Get-PartnerCommercialLicenseDeployment',
        'Get-PartnerCommercialLicenseUsage',
        'Get-PartnerCustomer',
        'Get-PartnerInsightsDataset',
        'New-PartnerInsightsQuery',
        'Get-PartnerInsightsQuery',
        'Remove-PartnerInsightsQuery',
        'Get-PartnerInsightsQueryPreview',
        'Receive-PartnerInsightsReport',
        'New-PartnerInsightsReport',
        'Get-PartnerInsightsReport',
        'Set-PartnerInsightsReport',
        'Remove-PartnerInsightsReport',
        'Suspend-PartnerInsightsReport',
        'Resume-PartnerInsightsReport',
        'Get-PartnerInsightsReportExecution',
        'Invoke-PartnerInsightsQuery',
        'Get-PartnerSeatDeployment',
        'Export-PartnerLicenseReport'
    )
    FunctionsToExport    = @()
    # The names of Microsoft's archived PartnerCenter module, so its runbooks run unchanged.
    AliasesToExport      = @(
        'Get-PartnerLicenseDeploymentInfo',
        'Get-PartnerCustomerLicenseDeploymentInfo',
        'Get-PartnerLicenseUsageInfo',
        'Get-PartnerCustomerLicenseUsageInfo'
    )
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PartnerCenter', 'CSP', 'Licenses', 'Analytics', 'MSP', 'Microsoft365', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/PartnerCenterLicenses/PartnerCenterLicenses'
            LicenseUri   = 'https://github.com/PartnerCenterLicenses/PartnerCenterLicenses/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: Connect-PartnerCenter with App+User credentials (browser, device code, refresh token with client secret, certificate or public client, existing access token; opt-in encrypted CurrentUser token cache), sovereign and custom environments, Get-PartnerLicenseDeployment with typed, streamed output, retries with back-off for throttling and transient failures, dependencies isolated in their own load context.'
        }
    }
}
