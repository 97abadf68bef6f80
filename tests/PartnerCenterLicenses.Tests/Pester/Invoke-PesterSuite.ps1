<#
.SYNOPSIS
    Runs the Pester suite (tests/*.Tests.ps1) once and writes every test's result as JSON.
.DESCRIPTION
    Started by PesterRun.cs in tools/pwsh, with the emulator's URL and demo credentials in PCL_*
    environment variables. Pester's own detailed output goes to the console, which the caller keeps
    as output.txt; the results go to results.json (read by the xunit cases, one per Pester test)
    and results.xml (NUnit XML, for CI systems) in -ResultsFolder.
    The exit code is 0 whenever the results were written, whatever they say: the xunit cases judge them.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $TestsFolder,
    [Parameter(Mandatory)] [string] $ResultsFolder
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterModule

$configuration = New-PesterConfiguration
# The files directly in tests/, as PesterDiscovery.cs lists them (not the xunit projects' folders).
$configuration.Run.Path = @(Get-ChildItem -LiteralPath $TestsFolder -Filter '*.Tests.ps1' -File | ForEach-Object FullName)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsFolder 'results.xml'

$run = Invoke-Pester -Configuration $configuration

function ConvertTo-ErrorList($errorRecords) {
    , @(foreach ($record in @($errorRecords)) {
            [ordered]@{
                message    = [string] $record.DisplayErrorMessage
                stackTrace = [string] $record.DisplayStackTrace
            }
        })
}

$document = [ordered]@{
    pesterVersion    = [string] (Get-Module Pester).Version
    powerShell       = [string] $PSVersionTable.PSVersion
    result           = [string] $run.Result
    tests            = @(foreach ($test in $run.Tests) {
            [ordered]@{
                file         = [string] $test.ScriptBlock.File
                line         = $test.StartLine
                path         = @($test.Path)
                expandedPath = [string] $test.ExpandedPath
                result       = [string] $test.Result
                durationMs   = [int] $test.Duration.TotalMilliseconds
                errors       = ConvertTo-ErrorList $test.ErrorRecord
            }
        })
    failedBlocks     = @(foreach ($block in $run.FailedBlocks) {
            [ordered]@{
                file   = [string] $block.BlockContainer.Item
                path   = @($block.Path)
                errors = ConvertTo-ErrorList $block.ErrorRecord
            }
        })
    failedContainers = @(foreach ($container in $run.FailedContainers) {
            [ordered]@{
                file   = [string] $container.Item
                errors = ConvertTo-ErrorList $container.ErrorRecord
            }
        })
}

$document | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath (Join-Path $ResultsFolder 'results.json') -Encoding utf8NoBOM
