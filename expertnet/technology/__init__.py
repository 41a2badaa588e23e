"""The technology marketplace (nền tảng kết nối cung – cầu công nghệ): offers, demands,
brokers and the connections they open, the supply–demand sessions, their counts."""
