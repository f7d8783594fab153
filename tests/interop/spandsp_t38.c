/*
 * spandsp_t38 - a far-end fax machine for FaxPost's interop tests.
 *
 * Runs Debian's libspandsp T.38 terminal and speaks UDPTL over UDP (spandsp has no UDPTL of its
 * own, so the framing is here: T.38 section 9.1, redundancy only). Sends a TIFF or receives into one,
 * then prints one machine-readable line with spandsp's phase E result and statistics:
 *
 *   PHASE_E ok=1 code=0 text="OK" pages_tx=1 pages_rx=0 bit_rate=14400 ecm=1 encoding=3 bad_rows=0
 *           remote_ident="..." remote_sub="..." remote_sid="..." datagrams_tx=N datagrams_rx=N
 *           pages_done=N cpu_us=N
 *
 * Exit status: 0 on success, 1 on a failed call, 2 on a timeout, 3 on bad usage or setup,
 * 4 when it hung up on purpose (--drop-after-pages).
 *
 * usage: spandsp_t38 send|receive|poll|offer --local PORT --remote HOST:PORT --file F [--no-ecm]
 *        [--modems 1|2|4|7] [--compressions mh,mr,mmr] [--version N] [--redundancy N] [--max-datagram N]
 *        [--ident S] [--sub S] [--sid S] [--calling|--answering] [--no-pacing]
 *        [--drop-after-pages N [--drop-after-datagrams K]] [--timeout SECONDS] [--verbose]
 *
 * poll calls and receives: spandsp has only a file to receive into, so when the answerer's DIS offers a
 * document (bit 9) it sends DTC (t30.c, process_rx_dis_dtc). offer answers with only a file to send:
 * spandsp's DIS then sets bit 9, and a DTC makes it send. Both end like receive and send.
 *
 * --modems and --compressions limit what spandsp offers (receiving: its DIS) or picks (sending: its DCS),
 * so a test can force V.27ter/V.29/V.17 and MH/MR/MMR. --no-pacing streams data as fast as spandsp
 * makes it (T38_TERMINAL_OPTION_NO_PACING; benchmarks). --drop-after-pages N hangs up mid-call: once
 * N pages are through phase D and K datagrams of the next page (default 6; sent when sending, received
 * when receiving) went by, it goes silent (no DCN, socket closed), prints PHASE_E with text="dropped" and exits 4.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <tiffio.h>
#include <spandsp.h>

#define MAX_DATAGRAM 1500
#define MAX_REDUNDANCY 8

struct udptl
{
    int fd;
    struct sockaddr_storage remote;
    socklen_t remote_len;
    int redundancy;
    int max_datagram;
    uint16_t tx_seq;
    /* Last packets sent, for secondaries; history[0] is the newest. */
    uint8_t history[MAX_REDUNDANCY][MAX_DATAGRAM];
    int history_len[MAX_REDUNDANCY];
    int history_count;
    /* Receive side: next sequence number spandsp expects from us, -1 before the first. */
    int rx_expected;
    long datagrams_tx;
    long datagrams_rx;
};

static struct
{
    int done;
    int code;
    struct udptl udptl;
    t38_terminal_state_t *t38;
    int verbose;
    int pages_done;
    int sending;
    int drop_after_pages;
    int drop_after_datagrams;
    int drop_countdown;     /* datagrams left before going silent; 0 = not armed */
    int dropped;
} g;

/* Counts one datagram of page data (sent when sending, received when receiving); goes silent once the armed countdown runs out. */
static void count_for_drop(int sent)
{
    if (sent == g.sending  &&  g.drop_countdown > 0  &&  --g.drop_countdown == 0)
        g.dropped = 1;
}

static int put_length(uint8_t *buf, int len)
{
    if (len < 0x80)
    {
        buf[0] = (uint8_t) len;
        return 1;
    }
    buf[0] = (uint8_t) (0x80 | (len >> 8));
    buf[1] = (uint8_t) len;
    return 2;
}

/* Builds one datagram: seq, primary, then as many secondaries (newest first) as fit. */
static int udptl_build(struct udptl *u, const uint8_t *ifp, int len, uint8_t *out)
{
    int pos;
    int n;
    int i;
    int count_pos;

    out[0] = (uint8_t) (u->tx_seq >> 8);
    out[1] = (uint8_t) u->tx_seq;
    pos = 2;
    pos += put_length(out + pos, len);
    memcpy(out + pos, ifp, len);
    pos += len;
    out[pos++] = 0x00;
    count_pos = pos++;
    n = 0;
    for (i = 0;  i < u->history_count  &&  i < u->redundancy;  i++)
    {
        int l = u->history_len[i];
        if (pos + (l < 0x80 ? 1 : 2) + l > u->max_datagram)
            break;
        pos += put_length(out + pos, l);
        memcpy(out + pos, u->history[i], l);
        pos += l;
        n++;
    }
    out[count_pos] = (uint8_t) n;
    /* Remember this packet as the newest. */
    memmove(&u->history[1], &u->history[0], sizeof(u->history[0]) * (MAX_REDUNDANCY - 1));
    memmove(&u->history_len[1], &u->history_len[0], sizeof(u->history_len[0]) * (MAX_REDUNDANCY - 1));
    memcpy(u->history[0], ifp, len);
    u->history_len[0] = len;
    if (u->history_count < MAX_REDUNDANCY)
        u->history_count++;
    return pos;
}

/* spandsp hands each IFP packet here; count says how many copies to send (same sequence number). */
static int tx_packet_handler(t38_core_state_t *s, void *user_data, const uint8_t *buf, int len, int count)
{
    struct udptl *u = (struct udptl *) user_data;
    uint8_t out[MAX_DATAGRAM + 64];
    int n;
    int i;

    (void) s;
    if (g.dropped)
        return 0;
    if (len <= 0  ||  len > MAX_DATAGRAM - 16)
        return -1;
    count_for_drop(1);
    n = udptl_build(u, buf, len, out);
    for (i = 0;  i < (count < 1 ? 1 : count);  i++)
    {
        if (sendto(u->fd, out, n, 0, (struct sockaddr *) &u->remote, u->remote_len) < 0  &&  g.verbose)
            fprintf(stderr, "sendto: %s\n", strerror(errno));
        u->datagrams_tx++;
    }
    u->tx_seq++;
    return 0;
}

static int get_length(const uint8_t *buf, int len, int *pos, int *value)
{
    if (*pos >= len)
        return -1;
    if ((buf[*pos] & 0x80) == 0)
    {
        *value = buf[(*pos)++];
        return 0;
    }
    if ((buf[*pos] & 0x40) != 0  ||  *pos + 2 > len)
        return -1;
    *value = ((buf[*pos] & 0x3F) << 8) | buf[*pos + 1];
    *pos += 2;
    return 0;
}

/* Parses a datagram and feeds spandsp: missing packets from secondaries (oldest first), then the primary. */
static void udptl_rx(struct udptl *u, const uint8_t *buf, int len)
{
    int pos = 2;
    int plen;
    int ppos;
    int count;
    int i;
    uint16_t seq;
    const uint8_t *sec[MAX_REDUNDANCY + 8];
    int sec_len[MAX_REDUNDANCY + 8];
    t38_core_state_t *core = t38_terminal_get_t38_core_state(g.t38);

    if (len < 4)
        return;
    seq = (uint16_t) ((buf[0] << 8) | buf[1]);
    if (get_length(buf, len, &pos, &plen) < 0  ||  plen == 0  ||  pos + plen > len)
        return;
    ppos = pos;
    pos += plen;
    if (pos >= len)
        return;
    count = 0;
    if (buf[pos++] == 0x00)
    {
        if (get_length(buf, len, &pos, &count) < 0)
            return;
        if (count > MAX_REDUNDANCY + 8)
            count = MAX_REDUNDANCY + 8;
        for (i = 0;  i < count;  i++)
        {
            if (get_length(buf, len, &pos, &sec_len[i]) < 0  ||  pos + sec_len[i] > len)
                return;
            sec[i] = buf + pos;
            pos += sec_len[i];
        }
    }
    /* FEC is not used by this harness; a FEC datagram is taken for its primary only. */
    u->datagrams_rx++;
    count_for_drop(0);
    if (g.dropped)
        return;
    if (u->rx_expected >= 0)
    {
        int gap = (uint16_t) (seq - (uint16_t) u->rx_expected);
        if (gap > 0x8000)
            return;     /* late or repeated */
        for (i = (gap < count ? gap : count);  i >= 1;  i--)
            t38_core_rx_ifp_packet(core, sec[i - 1], sec_len[i - 1], (uint16_t) (seq - i));
    }
    t38_core_rx_ifp_packet(core, buf + ppos, plen, seq);
    u->rx_expected = (uint16_t) (seq + 1);
}

static void phase_e_handler(t30_state_t *s, void *user_data, int completion_code)
{
    (void) s;
    (void) user_data;
    g.code = completion_code;
    g.done = 1;
}

/* Phase D: a page went through (sending: the far end answered the post-page command; receiving: we did). */
static int phase_d_handler(t30_state_t *s, void *user_data, int result)
{
    (void) s;
    (void) user_data;
    (void) result;
    g.pages_done++;
    if (g.drop_after_pages > 0  &&  g.pages_done == g.drop_after_pages  &&  g.drop_countdown == 0)
        g.drop_countdown = g.drop_after_datagrams;
    return T30_ERR_OK;
}

static long cpu_us(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (long) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void print_result(t30_state_t *t30, int timed_out)
{
    t30_stats_t stats;
    const char *ident;
    const char *sub;
    const char *sid;

    t30_get_transfer_statistics(t30, &stats);
    ident = t30_get_rx_ident(t30);
    sub = t30_get_rx_sub_address(t30);
    sid = t30_get_rx_sender_ident(t30);
    printf("PHASE_E ok=%d code=%d text=\"%s\" pages_tx=%d pages_rx=%d bit_rate=%d ecm=%d encoding=%d bad_rows=%d remote_ident=\"%s\" remote_sub=\"%s\" remote_sid=\"%s\" datagrams_tx=%ld datagrams_rx=%ld pages_done=%d cpu_us=%ld\n",
           !timed_out  &&  !g.dropped  &&  g.code == T30_ERR_OK,
           g.dropped ? -2 : timed_out ? -1 : g.code,
           g.dropped ? "dropped" : timed_out ? "timeout" : t30_completion_code_to_str(g.code),
           stats.pages_tx,
           stats.pages_rx,
           stats.bit_rate,
           stats.error_correcting_mode ? 1 : 0,
           stats.encoding,
           stats.bad_rows,
           ident ? ident : "",
           sub ? sub : "",
           sid ? sid : "",
           g.udptl.datagrams_tx,
           g.udptl.datagrams_rx,
           g.pages_done,
           cpu_us());
    fflush(stdout);
}

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(void)
{
    fprintf(stderr, "usage: spandsp_t38 send|receive|poll|offer --local PORT --remote HOST:PORT --file F [--no-ecm] [--modems 1|2|4|7]\n"
                    "       [--compressions mh,mr,mmr] [--version N] [--redundancy N] [--max-datagram N] [--ident S] [--sub S] [--sid S]\n"
                    "       [--calling|--answering] [--no-pacing] [--drop-after-pages N [--drop-after-datagrams K]]\n"
                    "       [--timeout SECONDS] [--verbose]\n");
    exit(3);
}

/* "mh,mr,mmr" -> T30_SUPPORT_* bits; 0 on anything else. MH is always allowed by T.30 (T.4 §4.1). */
static int parse_compressions(const char *list)
{
    char buf[64];
    char *tok;
    char *save;
    int bits = 0;

    snprintf(buf, sizeof(buf), "%s", list);
    for (tok = strtok_r(buf, ",", &save);  tok;  tok = strtok_r(NULL, ",", &save))
    {
        if (strcmp(tok, "mh") == 0)
            bits |= T30_SUPPORT_T4_1D_COMPRESSION;
        else if (strcmp(tok, "mr") == 0)
            bits |= T30_SUPPORT_T4_2D_COMPRESSION;
        else if (strcmp(tok, "mmr") == 0)
            bits |= T30_SUPPORT_T6_COMPRESSION;
        else
            return 0;
    }
    return bits;
}

int main(int argc, char *argv[])
{
    int sending;
    int calling;
    int local_port = -1;
    const char *remote = NULL;
    const char *file = NULL;
    const char *ident = NULL;
    const char *sub = NULL;
    const char *sid = NULL;
    int ecm = 1;
    int modems = T30_SUPPORT_V27TER | T30_SUPPORT_V29 | T30_SUPPORT_V17;
    int version = 0;
    int timeout_s = 120;
    int compressions = -1;
    int pacing = 1;
    int i;
    char host[256];
    char *colon;
    struct addrinfo hints;
    struct addrinfo *res;
    struct sockaddr_in local;
    t30_state_t *t30;
    t38_core_state_t *core;
    int64_t next_tick;
    int64_t deadline;
    int64_t linger_until = 0;

    if (argc < 2)
        usage();
    /* send: call and send; receive: answer and receive; poll: call and receive; offer: answer and send. */
    if (strcmp(argv[1], "send") == 0  ||  strcmp(argv[1], "offer") == 0)
        sending = 1;
    else if (strcmp(argv[1], "receive") == 0  ||  strcmp(argv[1], "poll") == 0)
        sending = 0;
    else
        usage();
    calling = (strcmp(argv[1], "send") == 0  ||  strcmp(argv[1], "poll") == 0);
    memset(&g, 0, sizeof(g));
    g.sending = sending;
    g.udptl.redundancy = 3;
    g.udptl.max_datagram = 400;
    g.udptl.rx_expected = -1;
    g.drop_after_datagrams = 6;
    for (i = 2;  i < argc;  i++)
    {
#define ARG (++i < argc ? argv[i] : (usage(), ""))
        if (strcmp(argv[i], "--local") == 0)
            local_port = atoi(ARG);
        else if (strcmp(argv[i], "--remote") == 0)
            remote = ARG;
        else if (strcmp(argv[i], "--file") == 0)
            file = ARG;
        else if (strcmp(argv[i], "--no-ecm") == 0)
            ecm = 0;
        else if (strcmp(argv[i], "--modems") == 0)
            modems = atoi(ARG);
        else if (strcmp(argv[i], "--compressions") == 0)
            compressions = parse_compressions(ARG);
        else if (strcmp(argv[i], "--no-pacing") == 0)
            pacing = 0;
        else if (strcmp(argv[i], "--drop-after-pages") == 0)
            g.drop_after_pages = atoi(ARG);
        else if (strcmp(argv[i], "--drop-after-datagrams") == 0)
            g.drop_after_datagrams = atoi(ARG);
        else if (strcmp(argv[i], "--version") == 0)
            version = atoi(ARG);
        else if (strcmp(argv[i], "--redundancy") == 0)
            g.udptl.redundancy = atoi(ARG);
        else if (strcmp(argv[i], "--max-datagram") == 0)
            g.udptl.max_datagram = atoi(ARG);
        else if (strcmp(argv[i], "--ident") == 0)
            ident = ARG;
        else if (strcmp(argv[i], "--sub") == 0)
            sub = ARG;
        else if (strcmp(argv[i], "--sid") == 0)
            sid = ARG;
        else if (strcmp(argv[i], "--calling") == 0)
            calling = 1;
        else if (strcmp(argv[i], "--answering") == 0)
            calling = 0;
        else if (strcmp(argv[i], "--timeout") == 0)
            timeout_s = atoi(ARG);
        else if (strcmp(argv[i], "--verbose") == 0)
            g.verbose = 1;
        else
            usage();
#undef ARG
    }
    if (local_port < 0  ||  remote == NULL  ||  file == NULL  ||  version < 0  ||  version > 3
        ||  g.udptl.redundancy < 0  ||  g.udptl.redundancy > MAX_REDUNDANCY
        ||  g.udptl.max_datagram < 32  ||  g.udptl.max_datagram > MAX_DATAGRAM
        ||  compressions == 0  ||  g.drop_after_pages < 0  ||  g.drop_after_datagrams < 1)
        usage();

    snprintf(host, sizeof(host), "%s", remote);
    if ((colon = strrchr(host, ':')) == NULL)
        usage();
    *colon = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
    {
        fprintf(stderr, "cannot resolve %s\n", remote);
        return 3;
    }
    memcpy(&g.udptl.remote, res->ai_addr, res->ai_addrlen);
    g.udptl.remote_len = res->ai_addrlen;
    freeaddrinfo(res);

    if ((g.udptl.fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
    {
        perror("socket");
        return 3;
    }
    memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_port = htons((uint16_t) local_port);
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(g.udptl.fd, (struct sockaddr *) &local, sizeof(local)) < 0)
    {
        perror("bind");
        return 3;
    }

    if ((g.t38 = t38_terminal_init(NULL, calling, tx_packet_handler, &g.udptl)) == NULL)
    {
        fprintf(stderr, "t38_terminal_init failed\n");
        return 3;
    }
    /* Paced, as a real gateway sends (the tx handler's count carries the repeats), unless asked not to. */
    t38_terminal_set_config(g.t38, pacing ? 0 : T38_TERMINAL_OPTION_NO_PACING);
    core = t38_terminal_get_t38_core_state(g.t38);
    t38_set_t38_version(core, version);
    t38_set_max_datagram_size(core, g.udptl.max_datagram);
    t30 = t38_terminal_get_t30_state(g.t38);
    t30_set_tx_ident(t30, ident ? ident : (sending ? "+1 555 0100" : "+1 555 0199"));
    if (sub)
        t30_set_tx_sub_address(t30, sub);
    if (sid)
        t30_set_tx_sender_ident(t30, sid);
    /* Offer SUB and SID/PWD in the DIS, so both can be exercised. */
    t30_set_supported_t30_features(t30, T30_SUPPORT_IDENTIFICATION | T30_SUPPORT_SUB_ADDRESSING);
    t30_set_ecm_capability(t30, ecm);
    t30_set_supported_modems(t30, modems);
    if (compressions < 0)
        compressions = T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION | (ecm ? T30_SUPPORT_T6_COMPRESSION : 0);
    t30_set_supported_compressions(t30, compressions);
    t30_set_phase_e_handler(t30, phase_e_handler, NULL);
    t30_set_phase_d_handler(t30, phase_d_handler, NULL);
    if (sending)
        t30_set_tx_file(t30, file, -1, -1);
    else
        t30_set_rx_file(t30, file, -1);
    if (g.verbose)
    {
        span_log_set_level(t30_get_logging_state(t30), SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW);
        span_log_set_level(t38_core_get_logging_state(core), SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW);
    }

    next_tick = now_us();
    deadline = next_tick + (int64_t) timeout_s * 1000000;
    for (;;)
    {
        int64_t t = now_us();
        struct pollfd pfd;
        int wait_ms;

        if (g.dropped)
        {
            /* Hung up mid-call: no DCN, nothing more either way. */
            close(g.udptl.fd);
            print_result(t30, 0);
            return 4;
        }
        if (t >= next_tick)
        {
            /* 20 ms of 8 kHz time per tick. */
            t38_terminal_send_timeout(g.t38, 160);
            next_tick += 20000;
            if (g.done  &&  linger_until == 0)
                linger_until = t + 500000;   /* let the last DCN go out and repeats arrive */
            if (linger_until  &&  t >= linger_until)
                break;
            if (t >= deadline)
            {
                print_result(t30, 1);
                return 2;
            }
            continue;
        }
        wait_ms = (int) ((next_tick - t + 999) / 1000);
        pfd.fd = g.udptl.fd;
        pfd.events = POLLIN;
        if (poll(&pfd, 1, wait_ms) > 0  &&  (pfd.revents & POLLIN))
        {
            uint8_t buf[MAX_DATAGRAM + 64];
            ssize_t n = recv(g.udptl.fd, buf, sizeof(buf), 0);
            if (n > 0)
                udptl_rx(&g.udptl, buf, (int) n);
        }
    }
    print_result(t30, 0);
    t38_terminal_free(g.t38);
    close(g.udptl.fd);
    return g.code == T30_ERR_OK ? 0 : 1;
}
