using System;
using System.Collections.Generic;
using System.ComponentModel;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PartnerCenterLicenses.Tests.Pester
{
    /// <summary>
    /// A theory whose cases are named by their first argument alone ("Pester: File.Tests.ps1 &gt; Describe &gt; It"),
    /// in full: xunit shortens string arguments in display names to 50 characters, which would cut most
    /// Pester test names off.
    /// </summary>
    [XunitTestCaseDiscoverer("PartnerCenterLicenses.Tests.Pester.PesterTheoryDiscoverer", "PartnerCenterLicenses.Tests")]
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class PesterTheoryAttribute : TheoryAttribute
    {
    }

    /// <summary>Discovers <see cref="PesterTheoryAttribute"/> theories as xunit does, one case per data row, named in full.</summary>
    public sealed class PesterTheoryDiscoverer : TheoryDiscoverer
    {
        public PesterTheoryDiscoverer(IMessageSink diagnosticMessageSink)
            : base(diagnosticMessageSink)
        {
        }

        protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
            ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
        {
            yield return new PesterTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow);
        }
    }

    /// <summary>An xunit case for one Pester test, displayed as "Pester: " and the test's full path.</summary>
    public sealed class PesterTestCase : XunitTestCase
    {
        [EditorBrowsable(EditorBrowsableState.Never)]
        [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
        public PesterTestCase()
        {
        }

        public PesterTestCase(
            IMessageSink diagnosticMessageSink,
            TestMethodDisplay defaultMethodDisplay,
            TestMethodDisplayOptions defaultMethodDisplayOptions,
            ITestMethod testMethod,
            object[] testMethodArguments)
            : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, testMethodArguments)
        {
        }

        protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName)
        {
            return TestMethodArguments is { Length: 1 } && TestMethodArguments[0] is string test
                ? "Pester: " + test
                : base.GetDisplayName(factAttribute, displayName);
        }
    }
}
