"""train.py's precision: bf16 autocast only where the CPU runs bf16 natively, fp32 elsewhere."""
import tempfile
import unittest
from pathlib import Path

from training.train import choose_precision, cpu_flags, parse_args

# The flags lines of two 2-core AMD EPYC machines: an AVX2-only one, and a Zen 5 with AVX-512 BF16.
AVX2_ONLY = "fpu vme de pse sse sse2 ht syscall nx lm pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi1 bmi2 sha_ni"
AVX512_BF16 = AVX2_ONLY + " avx512f avx512dq avx512bw avx512vl avx_vnni avx512_bf16 avx512_vnni"


def cpuinfo(flags: str) -> str:
    core = "processor\t: {}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: {}\nbogomips\t: 4192.00\n\n"
    return core.format(0, flags) + core.format(1, flags)


class PrecisionTest(unittest.TestCase):
    def flags_of(self, text: str) -> set:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cpuinfo"
            path.write_text(text)
            return cpu_flags(path)

    def test_reads_the_flags_line_of_cpuinfo(self):
        flags = self.flags_of(cpuinfo(AVX512_BF16))
        self.assertIn("avx512_bf16", flags)
        self.assertIn("avx2", flags)
        self.assertNotIn("AuthenticAMD", flags)

    def test_no_cpuinfo_means_no_flags(self):
        self.assertEqual(cpu_flags(Path("/nonexistent/cpuinfo")), set())
        self.assertEqual(self.flags_of("processor\t: 0\n"), set())

    def test_auto_trains_in_fp32_on_a_cpu_without_native_bf16(self):
        precision, why = choose_precision("auto", "cpu", self.flags_of(cpuinfo(AVX2_ONLY)))
        self.assertEqual(precision, "fp32")
        self.assertIn("no avx512_bf16 or amx_bf16", why)
        self.assertEqual(choose_precision("auto", "cpu", set())[0], "fp32")  # macOS, Windows: no /proc/cpuinfo
        self.assertEqual(choose_precision("auto", "cpu", {"avx512f", "avx512bw"})[0], "fp32")  # AVX-512 alone

    def test_auto_trains_in_bf16_where_the_cpu_runs_it_natively(self):
        self.assertEqual(choose_precision("auto", "cpu", self.flags_of(cpuinfo(AVX512_BF16))),
                         ("bf16", "avx512_bf16: the CPU runs bf16 natively"))
        self.assertEqual(choose_precision("auto", "cpu", {"avx2", "amx_bf16", "amx_tile"})[0], "bf16")

    def test_an_explicit_precision_wins_on_the_cpu_and_cuda_stays_fp32(self):
        self.assertEqual(choose_precision("bf16", "cpu", set()), ("bf16", "--precision bf16"))
        self.assertEqual(choose_precision("fp32", "cpu", {"avx512_bf16"}), ("fp32", "--precision fp32"))
        self.assertEqual(choose_precision("auto", "cuda", {"avx512_bf16"})[0], "fp32")
        self.assertEqual(choose_precision("bf16", "cuda", set())[0], "fp32")  # a rank's GPU under torchrun

    def test_the_flag_defaults_to_auto_and_fp32_is_an_alias(self):
        self.assertEqual(parse_args(["--grid", "8"]).precision, "auto")
        self.assertEqual(parse_args(["--grid", "8", "--fp32"]).precision, "fp32")
        self.assertEqual(parse_args(["--grid", "8", "--precision", "bf16"]).precision, "bf16")


if __name__ == "__main__":
    unittest.main()
