namespace PartnerCenter.Emulator { public static class Program { public static void Main() {} } }
