// Package demodata makes and loads the demo catalogue, in the books context's
// infrastructure layer: a few hundred distinct books of the generator's own
// making, cloned with "(copy k)" titles up to any size, with reviews and
// promotions, loaded into PostgreSQL in bulk.
//
// The catalogue is a sequence: book i is the same whatever the batch, the
// run or the machine, for a given seed and day (publication dates are spread
// around the day of the run, so that some books are always upcoming).
// Seeding therefore tops up: a catalogue of n books is extended with books
// n, n+1, ..., never repeating one.
//
// Modelled on the demo-data generator of Jon P Smith's Book App (the
// reference application of "Entity Framework Core in Action"), but written
// anew: the books, people and words are this package's own.
package demodata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// BaseBooks is the number of distinct books the catalogue clones. It is a
// prime, so that a book's base book tells nothing about its reviews
// (i % ReviewCycle) or its promotion (i % PromotionEvery): every base book's
// clones get every number of reviews, and filters on tags and votes select
// independently of each other.
const BaseBooks = 307

// DefaultSeed is the seed of the demo catalogue when none is given.
const DefaultSeed uint64 = 0x5eed_b00c

// The shape of the catalogue: book i has i % ReviewCycle reviews, and every
// PromotionEvery-th book (i % PromotionEvery == 0) is half price.
const (
	ReviewCycle    = 12
	PromotionEvery = 7
)

// The spread of publication dates around the day of the run: from 30 years
// before to half a year after, so about 1.6 % of the books are upcoming.
const (
	pastDays   = 30 * 365
	futureDays = 182
)

// A Book is one generated book with its reviews.
type Book struct {
	Title            string
	Description      string
	Publisher        string
	ImageURL         string
	PublishedOn      time.Time // midnight UTC
	PriceCents       int64
	ActualPriceCents int64  // PriceCents unless on promotion
	PromotionText    string // "" when not on promotion
	Authors          []string
	Tags             []string
	Reviews          []Review
}

// A Review is a generated review; demo reviews have no account behind them.
type Review struct {
	VoterName string
	NumStars  int // 0..5
	Comment   string
	CreatedAt time.Time
}

// A Generator makes the books of one catalogue.
type Generator struct {
	seed    uint64
	today   time.Time // midnight UTC of the run's day
	now     time.Time
	base    []base
	authors []string
	tags    []string
}

// A base is one of the distinct books that the catalogue clones.
type base struct {
	title, description, publisher string
	authors, tags                 []string
}

// NewGenerator returns the generator of the catalogue of seed, with dates
// around now.
func NewGenerator(seed uint64, now time.Time) *Generator {
	now = now.UTC()
	y, m, d := now.Date()
	g := &Generator{seed: seed, now: now, today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	r := rand.New(rand.NewPCG(seed, 0xa07_4005))

	// A pool of authors, each book drawing one to three of them.
	seen := make(map[string]bool)
	for len(g.authors) < 150 {
		name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		if !seen[name] {
			seen[name] = true
			g.authors = append(g.authors, name)
		}
	}
	titles := make(map[string]bool)
	tags := make(map[string]bool)
	for len(g.base) < BaseBooks {
		t := topics[r.IntN(len(topics))]
		title := fmt.Sprintf(titlePatterns[r.IntN(len(titlePatterns))], t.name)
		if titles[title] {
			continue
		}
		titles[title] = true
		b := base{
			title: title,
			description: fmt.Sprintf(descriptionOpenings[r.IntN(len(descriptionOpenings))], t.name) + " " +
				descriptionMiddles[r.IntN(len(descriptionMiddles))] + " " +
				descriptionClosings[r.IntN(len(descriptionClosings))],
			publisher: publishers[r.IntN(len(publishers))],
			tags:      slices.Clone(t.tags),
		}
		for n := 1 + r.IntN(3); len(b.authors) < n; {
			if a := g.authors[r.IntN(len(g.authors))]; !slices.Contains(b.authors, a) {
				b.authors = append(b.authors, a)
			}
		}
		for _, tag := range b.tags {
			tags[tag] = true
		}
		g.base = append(g.base, b)
	}
	for tag := range tags {
		g.tags = append(g.tags, tag)
	}
	slices.Sort(g.tags)
	return g
}

// Authors returns every author name the catalogue's books have.
func (g *Generator) Authors() []string { return slices.Clone(g.authors) }

// Tags returns every tag the catalogue's books carry, sorted.
func (g *Generator) Tags() []string { return slices.Clone(g.tags) }

// starWeights are the odds, in percent, of a review giving 0 to 5 stars:
// skewed high, as book reviews are.
var starWeights = [6]int{4, 4, 8, 16, 30, 38}

// Book returns book i (from 0) of the catalogue: a clone of base book
// i % BaseBooks, titled "(copy k)" from the second round on, with its own
// publication date, price and i % ReviewCycle reviews.
func (g *Generator) Book(i int) Book {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	b := g.base[i%BaseBooks]
	book := Book{
		Title:       b.title,
		Description: b.description,
		Publisher:   b.publisher,
		ImageURL:    fmt.Sprintf("https://images.example.com/covers/%03d.png", i%BaseBooks),
		PublishedOn: g.today.AddDate(0, 0, r.IntN(pastDays+futureDays+1)-pastDays),
		PriceCents:  int64(500+100*r.IntN(75)) + 99, // 5.99 to 79.99
		Authors:     b.authors,
		Tags:        b.tags,
	}
	if k := i / BaseBooks; k > 0 {
		book.Title = fmt.Sprintf("%s (copy %d)", b.title, k)
	}
	book.ActualPriceCents = book.PriceCents
	if i%PromotionEvery == 0 {
		book.ActualPriceCents = book.PriceCents / 2
		book.PromotionText = promotionTexts[(i/PromotionEvery)%len(promotionTexts)]
	}
	if n := i % ReviewCycle; n > 0 {
		book.Reviews = make([]Review, n)
		for j := range book.Reviews {
			book.Reviews[j] = Review{
				VoterName: firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))][:1] + ".",
				NumStars:  stars(r),
				Comment:   reviewComments[r.IntN(len(reviewComments))],
				CreatedAt: g.now.Add(-time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))).Truncate(time.Microsecond),
			}
		}
	}
	return book
}

func stars(r *rand.Rand) int {
	n := r.IntN(100)
	for s, w := range starWeights {
		if n < w {
			return s
		}
		n -= w
	}
	return 5
}
